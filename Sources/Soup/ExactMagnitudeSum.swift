/// Σ|xᵢ| over a stream of Float64 values, the same to the last bit whatever order the values come
/// in and however they are split between threads: each value's 53-bit significand is added exactly
/// into a 128-bit integer per binary exponent (per block of values, a few exact partial sums are
/// added instead: `splitExactly`), and only `total` rounds, once, to nearest-even. The
/// norm-matching rescale divides two such sums, so its result does not depend on the chunk size
/// or the thread count. Memory: 32 KiB per sum.
struct ExactMagnitudeSum {
    /// Significand sums by biased exponent (0 for subnormals, scaled as exponent 1).
    private var sums = [UInt128](repeating: 0, count: 2047)
    private var infinities = 0
    private var nans = 0

    /// Adds |value| for every value, overwriting `values` (scratch for the levels of `splitExactly`).
    mutating func add(_ values: UnsafeMutableBufferPointer<Double>) {
        Self.splitExactly(values, keptWhere: nil) { part, _ in add(magnitude: part) }
    }

    /// Adds |values[k]| to this sum where `factors[k]` is not 0 and to `dropped` where it is, so the
    /// sums of a masked task vector's kept and dropped parts cost about as much as one sum (their
    /// exact total is the whole's); overwrites `values`.
    mutating func add(_ values: UnsafeMutableBufferPointer<Double>, keptWhere factors: UnsafeMutableBufferPointer<Double>, dropped: inout ExactMagnitudeSum) {
        Self.splitExactly(values, keptWhere: UnsafeBufferPointer(factors)) { part, isKept in
            if isKept { add(magnitude: part) } else { dropped.add(magnitude: part) }
        }
    }

    /// Adds one magnitude (a value with its sign bit clear) to its exponent's significand sum, or
    /// counts it as +Inf or NaN.
    private mutating func add(magnitude: Double) {
        let bits = magnitude.bitPattern
        let exponent = Int(truncatingIfNeeded: bits &>> 52)
        let fraction = bits & 0x000F_FFFF_FFFF_FFFF
        guard exponent < 2047 else {
            if fraction == 0 { infinities += 1 } else { nans += 1 }
            return
        }
        sums[exponent] &+= UInt128(exponent == 0 ? fraction : fraction | 0x0010_0000_0000_0000)
    }

    /// Whether an infinite or NaN value was added.
    var sawNonFinite: Bool { infinities > 0 || nans > 0 }

    /// Makes the total NaN (a dropped ±Inf or NaN times its mask's 0).
    mutating func poison() { nans += 1 }

    /// Adds another partial sum.
    mutating func add(_ other: ExactMagnitudeSum) {
        for index in sums.indices { sums[index] &+= other.sums[index] }
        infinities += other.infinities
        nans += other.nans
    }

    /// The sum rounded once to nearest-even (as `math.fsum` gives it), NaN if a value was NaN,
    /// +Inf if one was infinite (as a Float64 sum would give).
    var total: Double {
        if nans > 0 { return .nan }
        if infinities > 0 { return .infinity }
        // The exact sum in units of 2⁻¹⁰⁷⁴, as little-endian 64-bit limbs: exponent e's significand
        // sum lies max(e, 1) − 1 bits up (below 2¹⁹¹ before the shift, so three limbs hold it).
        var limbs = [UInt64](repeating: 0, count: 2046 / 64 + 4)
        for exponent in sums.indices where sums[exponent] != 0 {
            let shift = max(exponent, 1) - 1
            let (low, high) = (UInt64(truncatingIfNeeded: sums[exponent]), UInt64(truncatingIfNeeded: sums[exponent] >> 64))
            let offset = UInt64(shift % 64)
            let words = offset == 0 ? [low, high, 0] : [low << offset, high << offset | low >> (64 - offset), high >> (64 - offset)]
            var carry: UInt64 = 0
            var index = shift / 64
            for word in words + [0] where index < limbs.count {
                let (partial, overflow1) = limbs[index].addingReportingOverflow(word)
                let (sum, overflow2) = partial.addingReportingOverflow(carry)
                limbs[index] = sum
                carry = (overflow1 ? 1 : 0) + (overflow2 ? 1 : 0)
                index += 1
            }
        }
        guard let top = limbs.lastIndex(where: { $0 != 0 }) else { return 0 }
        let highestBit = 64 * top + 63 - limbs[top].leadingZeroBitCount
        guard highestBit >= 64 else { return Double(sign: .plus, exponent: -1074, significand: Double(limbs[0])) }
        // The 64 bits from the highest down, with every lower bit folded into the last one, so the
        // conversion to 53 bits rounds as the whole would.
        let lowest = highestBit - 63
        let (limb, bit) = (lowest / 64, UInt64(lowest % 64))
        var leading = limbs[limb] >> bit
        if bit > 0 { leading |= limbs[limb + 1] << (64 - bit) }
        let sticky = limbs[..<limb].contains { $0 != 0 } || limbs[limb] & ((1 << bit) &- 1) != 0
        return Double(sign: .plus, exponent: lowest - 1074, significand: Double(leading | (sticky ? 1 : 0)))
    }
}
