import Soup
import TureenCore

/// In-memory models for soup tests.
enum Models {
    static func store(_ location: String, _ tensors: [(String, DType, [Int], [UInt8])]) throws -> TensorStore {
        try TensorStore(location: location, formatName: "memory", tensors: tensors.map { name, dtype, shape, bytes in
            StoredTensor(info: try TensorInfo(name: name, dtype: dtype, shape: shape), source: MemoryTensorSource(bytes: bytes))
        })
    }

    static func f32(_ values: [Float]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
    }

    static func floats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count, by: 4).map { offset in
            Float(bitPattern: bytes[offset..<(offset + 4)].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) })
        }
    }

    static func i64(_ values: [Int64]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }
    }

    /// Runs a soup and returns every output tensor's bytes by name.
    static func soup(_ ingredients: [TensorStore], base: TensorStore? = nil, recipe: SoupRecipe, options: SoupOptions = SoupOptions()) throws -> [String: [UInt8]] {
        let plan = try SoupPlan.make(ingredients: ingredients, base: base, recipe: recipe, options: options)
        let producer = SoupProducer(plan: plan, recipe: recipe, options: options, metadata: [:])
        var result: [String: [UInt8]] = [:]
        for (index, info) in producer.tensors.enumerated() {
            var bytes: [UInt8] = []
            try producer.produce(tensorAt: index) { bytes += $0 }
            result[info.name] = bytes
        }
        return result
    }
}
