import TureenCore

/// Decodes tensor bytes of any dtype to Float64: integers and bools (exact up to 2^53; bools as 0
/// or 1), complex numbers as their real and imaginary components. The common float widths are
/// decoded here in one pass; 8-bit floats go through `ElementCodec`.
enum ValueDecoding {
    /// The number of values one element of `dtype` decodes to.
    static func valuesPerElement(_ dtype: DType) -> Int { dtype.componentsPerElement }

    /// The byte width of one decoded value of `dtype`.
    static func bytesPerValue(_ dtype: DType) -> Int { dtype.componentType.byteWidth }

    /// Decodes `bytes` (a whole number of values) into the first values of `output`.
    static func decode(_ bytes: UnsafeRawBufferPointer, dtype: DType, into output: UnsafeMutableBufferPointer<Double>) {
        switch dtype.componentType {
        case .bf16: decodeEach(bytes, as: UInt16.self, into: output) { Double(FloatBits.float(fromBF16: UInt16(littleEndian: $0))) }
        case .f16: decodeEach(bytes, as: UInt16.self, into: output) { Double(Float16(bitPattern: UInt16(littleEndian: $0))) }
        case .f32: decodeEach(bytes, as: UInt32.self, into: output) { Double(Float(bitPattern: UInt32(littleEndian: $0))) }
        case .f64: decodeEach(bytes, as: UInt64.self, into: output) { Double(bitPattern: UInt64(littleEndian: $0)) }
        case .bool: decodeEach(bytes, as: UInt8.self, into: output) { $0 == 0 ? 0 : 1 }
        case .u8: decodeEach(bytes, as: UInt8.self, into: output) { Double($0) }
        case .i8: decodeEach(bytes, as: Int8.self, into: output) { Double($0) }
        case .u16: decodeEach(bytes, as: UInt16.self, into: output) { Double(UInt16(littleEndian: $0)) }
        case .i16: decodeEach(bytes, as: Int16.self, into: output) { Double(Int16(littleEndian: $0)) }
        case .u32: decodeEach(bytes, as: UInt32.self, into: output) { Double(UInt32(littleEndian: $0)) }
        case .i32: decodeEach(bytes, as: Int32.self, into: output) { Double(Int32(littleEndian: $0)) }
        case .u64: decodeEach(bytes, as: UInt64.self, into: output) { Double(UInt64(littleEndian: $0)) }
        case .i64: decodeEach(bytes, as: Int64.self, into: output) { Double(Int64(littleEndian: $0)) }
        default: ElementCodec.decode(bytes, dtype: dtype, into: output)
        }
    }

    private static func decodeEach<Bits: FixedWidthInteger>(
        _ bytes: UnsafeRawBufferPointer, as type: Bits.Type, into output: UnsafeMutableBufferPointer<Double>,
        _ convert: (Bits) -> Double
    ) {
        let width = MemoryLayout<Bits>.size
        for index in 0..<(bytes.count / width) {
            output[index] = convert(bytes.loadUnaligned(fromByteOffset: index &* width, as: Bits.self))
        }
    }
}
