/// Converts floating-point tensor bytes to and from `Double`, a chunk at a time: the arithmetic
/// core of casts, soups and statistics. Input bytes may be unaligned (npz members, odd offsets).
/// Complex dtypes are handled as pairs of their component type.
public enum ElementCodec {
    /// The number of `Double` values `byteCount` bytes of `dtype` decode to.
    public static func valueCount(byteCount: Int, dtype: DType) -> Int {
        byteCount / dtype.componentType.byteWidth
    }

    /// Adds `weight * x` to `accumulator[i]` for every value `x` in `bytes`.
    ///
    /// - Precondition: `dtype` is floating point or complex; `accumulator` holds `valueCount` values.
    public static func accumulate(
        _ bytes: UnsafeRawBufferPointer, dtype: DType, weight: Double, into accumulator: UnsafeMutableBufferPointer<Double>
    ) {
        let count = valueCount(byteCount: bytes.count, dtype: dtype)
        precondition(count <= accumulator.count, "accumulator too small")
        guard count > 0, let target = accumulator.baseAddress else { return }
        switch dtype.componentType {
        case .bf16:
            for i in 0..<count {
                let bits = bytes.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)
                target[i] += weight * Double(FloatBits.float(fromBF16: bits))
            }
        case .f16:
            for i in 0..<count {
                let bits = bytes.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)
                target[i] += weight * Double(Float16(bitPattern: bits))
            }
        case .f32:
            for i in 0..<count {
                let value = Float(bitPattern: bytes.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))
                target[i] += weight * Double(value)
            }
        case .f64:
            for i in 0..<count {
                let value = Double(bitPattern: bytes.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self))
                target[i] += weight * value
            }
        case .f8E4M3:
            let table = FloatBits.e4m3Table
            for i in 0..<count { target[i] += weight * Double(table[Int(bytes[i])]) }
        case .f8E5M2:
            let table = FloatBits.e5m2Table
            for i in 0..<count { target[i] += weight * Double(table[Int(bytes[i])]) }
        default:
            preconditionFailure("ElementCodec.accumulate called with non-float dtype \(dtype)")
        }
    }

    /// Decodes `bytes` of `dtype` into `output` (exactly).
    public static func decode(_ bytes: UnsafeRawBufferPointer, dtype: DType, into output: UnsafeMutableBufferPointer<Double>) {
        let count = valueCount(byteCount: bytes.count, dtype: dtype)
        for i in 0..<count { output[i] = 0 }
        accumulate(bytes, dtype: dtype, weight: 1, into: output)
    }

    /// Rounds each value to nearest-even in `dtype` and stores it in `output`, which holds exactly
    /// `values.count` components of `dtype`.
    public static func encode(_ values: UnsafeBufferPointer<Double>, to dtype: DType, into output: UnsafeMutableRawBufferPointer) {
        let count = values.count
        precondition(output.count == count * dtype.componentType.byteWidth, "output size mismatch")
        guard count > 0 else { return }
        switch dtype.componentType {
        case .bf16:
            for i in 0..<count {
                let bits = FloatBits.bf16(from: FloatBits.floatRoundedToOdd(values[i]))
                output.storeBytes(of: bits, toByteOffset: i &* 2, as: UInt16.self)
            }
        case .f16:
            for i in 0..<count {
                let bits = FloatBits.f16(from: FloatBits.floatRoundedToOdd(values[i]))
                output.storeBytes(of: bits, toByteOffset: i &* 2, as: UInt16.self)
            }
        case .f32:
            for i in 0..<count {
                output.storeBytes(of: Float(values[i]).bitPattern, toByteOffset: i &* 4, as: UInt32.self)
            }
        case .f64:
            for i in 0..<count {
                output.storeBytes(of: values[i].bitPattern, toByteOffset: i &* 8, as: UInt64.self)
            }
        case .f8E4M3:
            for i in 0..<count { output[i] = FloatBits.f8E4M3(from: FloatBits.floatRoundedToOdd(values[i])) }
        case .f8E5M2:
            for i in 0..<count { output[i] = FloatBits.f8E5M2(from: FloatBits.floatRoundedToOdd(values[i])) }
        default:
            preconditionFailure("ElementCodec.encode called with non-float dtype \(dtype)")
        }
    }
}
