/// Converts floating-point tensor bytes to and from `Double`, a chunk at a time: the arithmetic
/// core of casts, soups and statistics. Input bytes may be unaligned (npz members, odd offsets).
/// Complex dtypes are handled as pairs of their component type.
///
/// Each loop is one pass over memory that also counts non-finite values (exponent bits all ones),
/// written branch-free so the compiler vectorises it: the engine is bound by memory, not arithmetic.
public enum ElementCodec {
    /// The number of `Double` values `byteCount` bytes of `dtype` decode to.
    public static func valueCount(byteCount: Int, dtype: DType) -> Int {
        byteCount / dtype.componentType.byteWidth
    }

    /// Adds `weight * x` to `accumulator[i]` for every value `x` in `bytes`.
    ///
    /// - Returns: how many of the values were NaN or ±Inf.
    /// - Precondition: `dtype` is floating point or complex; `accumulator` holds `valueCount` values.
    @discardableResult
    public static func accumulate(
        _ bytes: UnsafeRawBufferPointer, dtype: DType, weight: Double, into accumulator: UnsafeMutableBufferPointer<Double>
    ) -> Int {
        combine(bytes, dtype: dtype, weight: weight, into: accumulator) { $0 += $1 }
    }

    /// Stores `weight * x` (exactly `x` for the default weight) in `output[i]` for every value `x` in `bytes`.
    ///
    /// - Returns: how many of the values were NaN or ±Inf.
    /// - Precondition: `dtype` is floating point or complex; `output` holds `valueCount` values.
    @discardableResult
    public static func decode(
        _ bytes: UnsafeRawBufferPointer, dtype: DType, weight: Double = 1, into output: UnsafeMutableBufferPointer<Double>
    ) -> Int {
        combine(bytes, dtype: dtype, weight: weight, into: output) { $0 = $1 }
    }

    /// Decodes every value of `bytes`, scales it by `weight` and merges it into `target` with `merge`.
    @inline(__always)
    private static func combine(
        _ bytes: UnsafeRawBufferPointer, dtype: DType, weight: Double, into target: UnsafeMutableBufferPointer<Double>,
        merge: (inout Double, Double) -> Void
    ) -> Int {
        let count = valueCount(byteCount: bytes.count, dtype: dtype)
        precondition(count <= target.count, "target too small")
        guard count > 0, let source = bytes.baseAddress, let target = target.baseAddress else { return 0 }
        switch dtype.componentType {
        case .bf16:
            return combine(source, count: count, weight: weight, into: target, exponentMask: UInt16(0x7F80), merge: merge) {
                Double(FloatBits.float(fromBF16: $0))
            }
        case .f16:
            return combine(source, count: count, weight: weight, into: target, exponentMask: UInt16(0x7C00), merge: merge) {
                Double(Float16(bitPattern: $0))
            }
        case .f32:
            return combine(source, count: count, weight: weight, into: target, exponentMask: UInt32(0x7F80_0000), merge: merge) {
                Double(Float(bitPattern: $0))
            }
        case .f64:
            return combine(source, count: count, weight: weight, into: target, exponentMask: UInt64(0x7FF0_0000_0000_0000), merge: merge) {
                Double(bitPattern: $0)
            }
        case .f8E4M3:
            return FloatBits.e4m3Table.withUnsafeBufferPointer { table in
                combine(source, count: count, weight: weight, into: target, exponentMask: UInt8(0x7F), merge: merge) { Double(table[Int($0)]) }
            }
        case .f8E5M2:
            return FloatBits.e5m2Table.withUnsafeBufferPointer { table in
                combine(source, count: count, weight: weight, into: target, exponentMask: UInt8(0x7C), merge: merge) { Double(table[Int($0)]) }
            }
        default:
            preconditionFailure("ElementCodec called with non-float dtype \(dtype)")
        }
    }

    /// Rounds each value to nearest-even in `dtype` and stores it in `output`, which holds exactly
    /// `values.count` components of `dtype`.
    ///
    /// - Returns: how many of the stored values are NaN or ±Inf (overflow included).
    @discardableResult
    public static func encode(_ values: UnsafeBufferPointer<Double>, to dtype: DType, into output: UnsafeMutableRawBufferPointer) -> Int {
        let count = values.count
        precondition(output.count == count * dtype.componentType.byteWidth, "output size mismatch")
        guard count > 0, let source = values.baseAddress, let target = output.baseAddress else { return 0 }
        switch dtype.componentType {
        case .bf16:
            return encode(source, count: count, into: target, exponentMask: UInt16(0x7F80)) {
                FloatBits.bf16(from: FloatBits.floatRoundedToOdd($0))
            }
        case .f16:
            return encode(source, count: count, into: target, exponentMask: UInt16(0x7C00)) {
                FloatBits.f16(from: FloatBits.floatRoundedToOdd($0))
            }
        case .f32:
            return encode(source, count: count, into: target, exponentMask: UInt32(0x7F80_0000)) { Float($0).bitPattern }
        case .f64:
            return encode(source, count: count, into: target, exponentMask: UInt64(0x7FF0_0000_0000_0000)) { $0.bitPattern }
        case .f8E4M3:
            return encode(source, count: count, into: target, exponentMask: UInt8(0x7F)) {
                FloatBits.f8E4M3(from: FloatBits.floatRoundedToOdd($0))
            }
        case .f8E5M2:
            return encode(source, count: count, into: target, exponentMask: UInt8(0x7C)) {
                FloatBits.f8E5M2(from: FloatBits.floatRoundedToOdd($0))
            }
        default:
            preconditionFailure("ElementCodec.encode called with non-float dtype \(dtype)")
        }
    }

    /// Converts `bytes` of dtype `source` into `output` in dtype `target` with round-to-nearest-even,
    /// through a small Float64 buffer that stays in the L1 cache.
    ///
    /// - Returns: how many of the stored values are NaN or ±Inf.
    @discardableResult
    public static func convert(
        _ bytes: UnsafeRawBufferPointer, from source: DType, to target: DType, into output: UnsafeMutableRawBufferPointer
    ) -> Int {
        let count = valueCount(byteCount: bytes.count, dtype: source)
        let inputWidth = source.componentType.byteWidth
        let outputWidth = target.componentType.byteWidth
        let blockValues = 1024
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: blockValues) { values in
            var nonFinite = 0
            var start = 0
            while start < count {
                let end = min(count, start + blockValues)
                let block = UnsafeMutableBufferPointer(rebasing: values[0..<(end - start)])
                decode(UnsafeRawBufferPointer(rebasing: bytes[(start * inputWidth)..<(end * inputWidth)]), dtype: source, into: block)
                nonFinite += encode(UnsafeBufferPointer(block), to: target,
                                    into: UnsafeMutableRawBufferPointer(rebasing: output[(start * outputWidth)..<(end * outputWidth)]))
                start = end
            }
            return nonFinite
        }
    }

    @inline(__always)
    private static func combine<Word: FixedWidthInteger>(
        _ source: UnsafeRawPointer, count: Int, weight: Double, into target: UnsafeMutablePointer<Double>,
        exponentMask: Word, merge: (inout Double, Double) -> Void, decode: (Word) -> Double
    ) -> Int {
        let width = MemoryLayout<Word>.size
        var nonFinite = 0
        for i in 0..<count {
            let word = source.loadUnaligned(fromByteOffset: i &* width, as: Word.self)
            nonFinite &+= word & exponentMask == exponentMask ? 1 : 0
            merge(&target[i], weight * decode(word))
        }
        return nonFinite
    }

    @inline(__always)
    private static func encode<Word: FixedWidthInteger>(
        _ source: UnsafePointer<Double>, count: Int, into target: UnsafeMutableRawPointer,
        exponentMask: Word, encode: (Double) -> Word
    ) -> Int {
        let width = MemoryLayout<Word>.size
        var nonFinite = 0
        for i in 0..<count {
            let word = encode(source[i])
            nonFinite &+= word & exponentMask == exponentMask ? 1 : 0
            target.storeBytes(of: word, toByteOffset: i &* width, as: Word.self)
        }
        return nonFinite
    }
}
