import TensorStore

/// Decodes tensor bytes of any dtype to Float64: floats through `ElementCodec`, integers and bools
/// here (exact up to 2^53; bools as 0 or 1), complex numbers as their real and imaginary components.
enum ValueDecoding {
    /// The number of values one element of `dtype` decodes to.
    static func valuesPerElement(_ dtype: DType) -> Int { dtype.componentsPerElement }

    /// The byte width of one decoded value of `dtype`.
    static func bytesPerValue(_ dtype: DType) -> Int { dtype.componentType.byteWidth }

    /// Decodes `bytes` (a whole number of values) into the first values of `output`.
    static func decode(_ bytes: UnsafeRawBufferPointer, dtype: DType, into output: UnsafeMutableBufferPointer<Double>) {
        switch dtype {
        case .bool: decodeIntegers(bytes, as: UInt8.self, into: output) { $0 == 0 ? 0 : 1 }
        case .u8: decodeIntegers(bytes, as: UInt8.self, into: output) { Double($0) }
        case .i8: decodeIntegers(bytes, as: Int8.self, into: output) { Double($0) }
        case .u16: decodeIntegers(bytes, as: UInt16.self, into: output) { Double(UInt16(littleEndian: $0)) }
        case .i16: decodeIntegers(bytes, as: Int16.self, into: output) { Double(Int16(littleEndian: $0)) }
        case .u32: decodeIntegers(bytes, as: UInt32.self, into: output) { Double(UInt32(littleEndian: $0)) }
        case .i32: decodeIntegers(bytes, as: Int32.self, into: output) { Double(Int32(littleEndian: $0)) }
        case .u64: decodeIntegers(bytes, as: UInt64.self, into: output) { Double(UInt64(littleEndian: $0)) }
        case .i64: decodeIntegers(bytes, as: Int64.self, into: output) { Double(Int64(littleEndian: $0)) }
        default: ElementCodec.decode(bytes, dtype: dtype, into: output)
        }
    }

    private static func decodeIntegers<Integer: FixedWidthInteger>(
        _ bytes: UnsafeRawBufferPointer, as type: Integer.Type, into output: UnsafeMutableBufferPointer<Double>,
        _ convert: (Integer) -> Double
    ) {
        let width = MemoryLayout<Integer>.size
        for index in 0..<(bytes.count / width) {
            output[index] = convert(bytes.loadUnaligned(fromByteOffset: index &* width, as: Integer.self))
        }
    }
}
