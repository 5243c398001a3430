import TensorStore

/// NaN and ±Inf counts, per ingredient and in the result.
public struct NonFiniteCount: Sendable, Equatable {
    /// Non-finite values in each ingredient, in ingredient order.
    public internal(set) var perIngredient: [Int]
    /// Non-finite values in the base model.
    public internal(set) var base = 0
    /// Non-finite values in the written result.
    public internal(set) var result = 0

    init(ingredientCount: Int) {
        perIngredient = Array(repeating: 0, count: ingredientCount)
    }

    /// Whether anything non-finite was seen.
    public var isZero: Bool { result == 0 && base == 0 && perIngredient.allSatisfy { $0 == 0 } }

    mutating func add(_ other: NonFiniteCount) {
        for index in perIngredient.indices { perIngredient[index] += other.perIngredient[index] }
        base += other.base
        result += other.result
    }

    /// Counts the NaN and ±Inf values among the bytes of `dtype` (components, for complex types).
    static func count(in bytes: UnsafeRawBufferPointer, dtype: DType) -> Int {
        var found = 0
        switch dtype.componentType {
        case .bf16:
            for i in 0..<(bytes.count / 2) where bytes.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self) & 0x7F80 == 0x7F80 { found += 1 }
        case .f16:
            for i in 0..<(bytes.count / 2) where bytes.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self) & 0x7C00 == 0x7C00 { found += 1 }
        case .f32:
            for i in 0..<(bytes.count / 4) where bytes.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self) & 0x7F80_0000 == 0x7F80_0000 { found += 1 }
        case .f64:
            for i in 0..<(bytes.count / 8) where bytes.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self) & 0x7FF0_0000_0000_0000 == 0x7FF0_0000_0000_0000 { found += 1 }
        case .f8E4M3:
            for byte in bytes where byte & 0x7F == 0x7F { found += 1 }
        case .f8E5M2:
            for byte in bytes where byte & 0x7C == 0x7C { found += 1 }
        default:
            break
        }
        return found
    }
}
