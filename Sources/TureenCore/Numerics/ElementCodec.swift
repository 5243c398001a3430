/// Converts floating-point tensor bytes to and from `Double`, a chunk at a time: the arithmetic
/// core of casts, soups and statistics. Input bytes may be unaligned (npz members, odd offsets).
/// Complex dtypes are handled as pairs of their component type.
///
/// Each loop is one branch-free pass that the compiler vectorises. Counting NaN and ±Inf is a pass
/// of its own (`countNonFinite`), so callers pay for it only where they need it.
package enum ElementCodec {
    /// The number of `Double` values `byteCount` bytes of `dtype` decode to.
    package static func valueCount(byteCount: Int, dtype: DType) -> Int {
        byteCount / dtype.componentType.byteWidth
    }

    /// Adds `weight * x` to `accumulator[i]` for every value `x` in `bytes`.
    ///
    /// - Precondition: `dtype` is floating point or complex; `accumulator` holds `valueCount` values.
    package static func accumulate(
        _ bytes: UnsafeRawBufferPointer, dtype: DType, weight: Double, into accumulator: UnsafeMutableBufferPointer<Double>
    ) {
        combine(bytes, dtype: dtype, weight: weight, into: accumulator) { $0 += $1.value }
    }

    /// Stores `weight * x` (exactly `x` for the default weight) in `output[i]` for every value `x` in `bytes`.
    ///
    /// - Precondition: `dtype` is floating point or complex; `output` holds `valueCount` values.
    package static func decode(
        _ bytes: UnsafeRawBufferPointer, dtype: DType, weight: Double = 1, into output: UnsafeMutableBufferPointer<Double>
    ) {
        combine(bytes, dtype: dtype, weight: weight, into: output) { $0 = $1.value }
    }

    /// Stores `x − base[i]` (one rounding) in `output[i]` for every value `x` in `bytes`: a task
    /// vector's values in one pass.
    ///
    /// - Precondition: `dtype` is floating point or complex; `base` and `output` hold `valueCount` values.
    package static func decodeDifference(
        _ bytes: UnsafeRawBufferPointer, dtype: DType, minus base: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(valueCount(byteCount: bytes.count, dtype: dtype) <= base.count, "base too small")
        combine(bytes, dtype: dtype, weight: 1, into: output) { $0 = $1.value - base[$1.index] }
    }

    /// Decodes every value of `bytes`, scales it by `weight` and merges it into `target` with `merge`
    /// (given the value and its index).
    @inline(__always)
    private static func combine(
        _ bytes: UnsafeRawBufferPointer, dtype: DType, weight: Double, into target: UnsafeMutableBufferPointer<Double>,
        merge: (inout Double, (value: Double, index: Int)) -> Void
    ) {
        let count = valueCount(byteCount: bytes.count, dtype: dtype)
        precondition(count <= target.count, "target too small")
        guard count > 0, let source = bytes.baseAddress, let target = target.baseAddress else { return }
        switch dtype.componentType {
        case .bf16:
            combine(source, count: count, weight: weight, into: target, merge: merge) { (word: UInt16) in
                Double(FloatBits.float(fromBF16: word))
            }
        case .f16:
            combine(source, count: count, weight: weight, into: target, merge: merge) { (word: UInt16) in
                Double(Float16(bitPattern: word))
            }
        case .f32:
            combine(source, count: count, weight: weight, into: target, merge: merge) { (word: UInt32) in
                Double(Float(bitPattern: word))
            }
        case .f64:
            combine(source, count: count, weight: weight, into: target, merge: merge) { (word: UInt64) in
                Double(bitPattern: word)
            }
        case .f8E4M3:
            FloatBits.e4m3Table.withUnsafeBufferPointer { table in
                combine(source, count: count, weight: weight, into: target, merge: merge) { (word: UInt8) in Double(table[Int(word)]) }
            }
        case .f8E5M2:
            FloatBits.e5m2Table.withUnsafeBufferPointer { table in
                combine(source, count: count, weight: weight, into: target, merge: merge) { (word: UInt8) in Double(table[Int(word)]) }
            }
        default:
            preconditionFailure("ElementCodec called with non-float dtype \(dtype)")
        }
    }

    /// How many of the values in `bytes` are NaN or ±Inf (exponent bits all ones; for float8
    /// E4M3FN, which has no infinities, the NaN pattern).
    ///
    /// - Precondition: `dtype` is floating point or complex.
    package static func countNonFinite(_ bytes: UnsafeRawBufferPointer, dtype: DType) -> Int {
        let count = valueCount(byteCount: bytes.count, dtype: dtype)
        guard count > 0, let source = bytes.baseAddress else { return 0 }
        switch dtype.componentType {
        case .bf16: return countNonFinite(source, count: count, exponentMask: UInt16(0x7F80))
        case .f16: return countNonFinite(source, count: count, exponentMask: UInt16(0x7C00))
        case .f32: return countNonFinite(source, count: count, exponentMask: UInt32(0x7F80_0000))
        case .f64: return countNonFinite(source, count: count, exponentMask: UInt64(0x7FF0_0000_0000_0000))
        case .f8E4M3: return countNonFinite(source, count: count, exponentMask: UInt8(0x7F))
        case .f8E5M2: return countNonFinite(source, count: count, exponentMask: UInt8(0x7C))
        default: preconditionFailure("ElementCodec called with non-float dtype \(dtype)")
        }
    }

    /// Rounds each value to nearest-even in `dtype` and stores it in `output`, which holds exactly
    /// `values.count` components of `dtype`. Overflow gives ±Inf (NaN for float8 E4M3FN).
    package static func encode(_ values: UnsafeBufferPointer<Double>, to dtype: DType, into output: UnsafeMutableRawBufferPointer) {
        let count = values.count
        precondition(output.count == count * dtype.componentType.byteWidth, "output size mismatch")
        guard count > 0, let source = values.baseAddress, let target = output.baseAddress else { return }
        switch dtype.componentType {
        case .bf16:
            encode(source, count: count, into: target) { FloatBits.bf16(fromDouble: $0) }
        case .f16:
            encode(source, count: count, into: target) { FloatBits.f16(fromDouble: $0) }
        case .f32:
            encode(source, count: count, into: target) { Float($0).bitPattern }
        case .f64:
            encode(source, count: count, into: target) { $0.bitPattern }
        case .f8E4M3:
            encode(source, count: count, into: target) { FloatBits.f8E4M3(from: FloatBits.floatRoundedToOdd($0)) }
        case .f8E5M2:
            encode(source, count: count, into: target) { FloatBits.f8E5M2(from: FloatBits.floatRoundedToOdd($0)) }
        default:
            preconditionFailure("ElementCodec.encode called with non-float dtype \(dtype)")
        }
    }

    /// Converts `bytes` of dtype `source` into `output` in dtype `target` with round-to-nearest-even,
    /// through a small Float64 buffer that stays in the L1 cache.
    package static func convert(
        _ bytes: UnsafeRawBufferPointer, from source: DType, to target: DType, into output: UnsafeMutableRawBufferPointer
    ) {
        let count = valueCount(byteCount: bytes.count, dtype: source)
        let inputWidth = source.componentType.byteWidth
        let outputWidth = target.componentType.byteWidth
        let blockValues = 1024
        withUnsafeTemporaryAllocation(of: Double.self, capacity: blockValues) { values in
            var start = 0
            while start < count {
                let end = min(count, start + blockValues)
                let block = UnsafeMutableBufferPointer(rebasing: values[0..<(end - start)])
                decode(UnsafeRawBufferPointer(rebasing: bytes[(start * inputWidth)..<(end * inputWidth)]), dtype: source, into: block)
                encode(UnsafeBufferPointer(block), to: target,
                       into: UnsafeMutableRawBufferPointer(rebasing: output[(start * outputWidth)..<(end * outputWidth)]))
                start = end
            }
        }
    }

    @inline(__always)
    private static func combine<Word: FixedWidthInteger>(
        _ source: UnsafeRawPointer, count: Int, weight: Double, into target: UnsafeMutablePointer<Double>,
        merge: (inout Double, (value: Double, index: Int)) -> Void, decode: (Word) -> Double
    ) {
        let width = MemoryLayout<Word>.size
        for i in 0..<count {
            merge(&target[i], (weight * decode(source.loadUnaligned(fromByteOffset: i &* width, as: Word.self)), i))
        }
    }

    @inline(__always)
    private static func countNonFinite<Word: FixedWidthInteger & UnsignedInteger>(
        _ source: UnsafeRawPointer, count: Int, exponentMask: Word
    ) -> Int {
        let width = MemoryLayout<Word>.size
        var total = 0
        var start = 0
        while start < count {
            // A 32-bit counter keeps the vector lanes narrow; it is emptied every 2^31 values.
            let end = min(count, start &+ Int(Int32.max))
            var nonFinite: UInt32 = 0
            for i in start..<end {
                let word = source.loadUnaligned(fromByteOffset: i &* width, as: Word.self)
                // Zero exactly when every exponent bit is set; the mask leaves the top bit clear,
                // so subtracting one sets the top bit for zero only. (A comparison here would
                // compile to a branch and stop the loop from vectorising.)
                let missingBits = (word & exponentMask) ^ exponentMask
                nonFinite &+= UInt32(truncatingIfNeeded: (missingBits &- 1) >> (Word.bitWidth - 1))
            }
            total += Int(nonFinite)
            start = end
        }
        return total
    }

    @inline(__always)
    private static func encode<Word: FixedWidthInteger>(
        _ source: UnsafePointer<Double>, count: Int, into target: UnsafeMutableRawPointer, encode: (Double) -> Word
    ) {
        let width = MemoryLayout<Word>.size
        for i in 0..<count {
            target.storeBytes(of: encode(source[i]), toByteOffset: i &* width, as: Word.self)
        }
    }
}
