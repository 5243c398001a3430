extension ExactMagnitudeSum {
    /// Values per block of `splitExactly`: 2¹⁰ terms below 2⁴² units each sum below 2⁵², exactly.
    private static let blockValues = 1024
    /// Bits of the block's magnitude range that one level takes.
    private static let levelBits = 42
    /// Biased exponents a level may start at: its unit, inverse and sums stay normal and finite.
    private static let levelExponents = 64...2000

    /// Splits Σ|values[k]| into a few exact Float64 parts, each given to `body` with whether it
    /// belongs to the kept elements (`factors[k]` not 0; all of them without `factors`) or to the
    /// dropped ones, so that a sum takes one table update per part rather than per value. Per block
    /// of 1024 values, level by level from the largest magnitude down: with unit u = 2^(e − 41)
    /// (e the exponent of the largest magnitude left), each value's whole number of units
    /// ⌊|x|/u⌋ < 2⁴² is summed in integers and the rest, |x| − ⌊|x|/u⌋·u (exact), is left for the next
    /// level; the parts are exact, so the total, and the rounded result, are the same as those of a
    /// value-by-value sum. Values the levels cannot scale (±Inf, NaN, magnitudes near the ends of the
    /// exponent range) go to `body` one by one. Every loop but the calls vectorises.
    static func splitExactly(
        _ values: UnsafeBufferPointer<Double>, keptWhere factors: UnsafeBufferPointer<Double>?,
        _ body: (_ part: Double, _ isKept: Bool) -> Void
    ) {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 3 * blockValues) { scratch in
            guard let scratch = scratch.baseAddress else { return }
            // The rest of each magnitude (Float64 bits), its whole units at this level, and its mask.
            let (rest, units, keptMask) = (scratch, scratch + blockValues, scratch + 2 * blockValues)
            var start = 0
            while start < values.count {
                let count = min(blockValues, values.count - start)
                var largest: UInt64 = 0
                for k in 0..<count {
                    rest[k] = values[start &+ k].bitPattern & magnitudeMask
                    largest = max(largest, rest[k])
                }
                if let factors {
                    for k in 0..<count { keptMask[k] = factors[start &+ k] != 0 ? .max : 0 }
                } else {
                    for k in 0..<count { keptMask[k] = .max }
                }
                while largest != 0 {
                    let exponent = Int(truncatingIfNeeded: largest &>> 52)
                    guard levelExponents.contains(exponent) else {
                        for k in 0..<count where rest[k] != 0 { body(Double(bitPattern: rest[k]), keptMask[k] != 0) }
                        break
                    }
                    let unit = Double(sign: .plus, exponent: exponent - 1023 - (levelBits - 1), significand: 1)
                    let inverse = Double(sign: .plus, exponent: 1023 + (levelBits - 1) - exponent, significand: 1)
                    for k in 0..<count {
                        let magnitude = Double(bitPattern: rest[k])
                        let whole = (magnitude * inverse).rounded(.down)
                        rest[k] = (magnitude - whole * unit).bitPattern
                        // whole < 2⁴²: adding 2⁵² puts it in the significand's low bits, exactly.
                        units[k] = (whole + 0x1p52).bitPattern &- twoTo52Bits
                    }
                    var (allUnits, keptUnits, next): (UInt64, UInt64, UInt64) = (0, 0, 0)
                    for k in 0..<count {
                        allUnits &+= units[k]
                        keptUnits &+= units[k] & keptMask[k]
                        next = max(next, rest[k])
                    }
                    if keptUnits != 0 { body(Double(keptUnits) * unit, true) }
                    if allUnits != keptUnits { body(Double(allUnits &- keptUnits) * unit, false) }
                    largest = next
                }
                start += count
            }
        }
    }

    private static let twoTo52Bits = (0x1p52 as Double).bitPattern
    private static let magnitudeMask: UInt64 = 0x7FFF_FFFF_FFFF_FFFF
}
