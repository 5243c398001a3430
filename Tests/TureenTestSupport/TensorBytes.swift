import TureenCore

/// Tensor values as the little-endian bytes a store holds, and back.
package enum TensorBytes {
    /// The little-endian bytes of integers.
    package static func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { value in (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    }

    /// The bytes of an F32 tensor.
    package static func f32(_ values: [Float]) -> [UInt8] {
        littleEndian(values.map(\.bitPattern))
    }

    /// The bytes of an I64 tensor.
    package static func i64(_ values: [Int64]) -> [UInt8] {
        littleEndian(values)
    }

    /// The values of an F32 tensor's bytes.
    package static func floats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count, by: 4).map { offset in
            Float(bitPattern: bytes[offset..<(offset + 4)].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) })
        }
    }

    /// The bytes of a tensor of `dtype` holding `values` (floats rounded once, integers truncated).
    package static func encode(_ values: [Double], as dtype: DType) -> [UInt8] {
        switch dtype {
        case .i32: return littleEndian(values.map { Int32($0) })
        case .i64: return littleEndian(values.map { Int64($0) })
        case .bool, .u8: return values.map { UInt8($0) }
        default:
            var bytes = [UInt8](repeating: 0, count: values.count * dtype.byteWidth)
            values.withUnsafeBufferPointer { input in
                bytes.withUnsafeMutableBytes { ElementCodec.encode(input, to: dtype, into: $0) }
            }
            return bytes
        }
    }

    /// The values of a floating-point tensor of `dtype`, each exactly as stored.
    package static func decode(_ bytes: [UInt8], as dtype: DType) -> [Double] {
        var values = [Double](repeating: 0, count: bytes.count / dtype.byteWidth)
        bytes.withUnsafeBytes { input in values.withUnsafeMutableBufferPointer { ElementCodec.decode(input, dtype: dtype, weight: 1, into: $0) } }
        return values
    }
}
