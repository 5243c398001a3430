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
        _ values: UnsafeMutableBufferPointer<Double>, keptWhere factors: UnsafeBufferPointer<Double>?,
        _ body: (_ part: Double, _ isKept: Bool) -> Void
    ) {
        var start = 0
        while start < values.count {
            let block = UnsafeMutableBufferPointer(rebasing: values[start..<min(values.count, start + blockValues)])
            let kept = factors.map { UnsafeBufferPointer(rebasing: $0[start..<(start + block.count)]) }
            var largest: UInt64 = 0
            for k in block.indices { largest = max(largest, block[k].bitPattern & magnitudeMask) }
            // Each value's rest after the levels so far replaces it, in place: a level reads a
            // value, then writes its rest.
            guard let rest = block.baseAddress else { break }
            while largest != 0 {
                let exponent = Int(truncatingIfNeeded: largest &>> 52)
                guard levelExponents.contains(exponent) else {
                    for k in block.indices {
                        let magnitude = rest[k].bitPattern & magnitudeMask
                        if magnitude != 0 { body(Double(bitPattern: magnitude), kept.map { $0[k] != 0 } ?? true) }
                    }
                    break
                }
                let level = Level(exponent: exponent)
                // The first level clears the values' signs; the rests it leaves have none.
                let (allUnits, keptUnits, next) = level.split(block.count, kept: kept, rest: rest) { rest[$0].bitPattern & magnitudeMask }
                if keptUnits != 0 { body(Double(keptUnits) * level.unit, true) }
                if allUnits != keptUnits { body(Double(allUnits &- keptUnits) * level.unit, false) }
                largest = next
            }
            start += block.count
        }
    }

    /// One level of `splitExactly`: whole units of u = 2^(e − 41).
    private struct Level {
        let unit: Double
        let inverse: Double

        init(exponent: Int) {
            unit = Double(sign: .plus, exponent: exponent - 1023 - (levelBits - 1), significand: 1)
            inverse = Double(sign: .plus, exponent: 1023 + (levelBits - 1) - exponent, significand: 1)
        }

        /// Takes the whole units of `magnitude(k)` for k < `count` (the bits of a value's magnitude),
        /// leaves the exact rest in `rest[k]`, and returns the units summed over all values and over
        /// the kept ones (`kept[k]` not 0; all without `kept`), and the largest rest. One loop that
        /// the compiler vectorises.
        @inline(__always)
        func split(
            _ count: Int, kept: UnsafeBufferPointer<Double>?, rest: UnsafeMutablePointer<Double>, _ magnitude: (Int) -> UInt64
        ) -> (all: UInt64, kept: UInt64, largestRest: UInt64) {
            var (allUnits, keptUnits, next): (UInt64, UInt64, UInt64) = (0, 0, 0)
            for k in 0..<count {
                let value = Double(bitPattern: magnitude(k))
                let whole = (value * inverse).rounded(.down)
                let left = value - whole * unit
                rest[k] = left
                // whole < 2⁴²: adding 2⁵² puts it in the significand's low bits, exactly.
                let units = (whole + 0x1p52).bitPattern &- twoTo52Bits
                allUnits &+= units
                if let kept { keptUnits &+= kept[k] != 0 ? units : 0 }
                next = max(next, left.bitPattern)
            }
            return (allUnits, kept == nil ? allUnits : keptUnits, next)
        }
    }

    private static let twoTo52Bits = (0x1p52 as Double).bitPattern
    private static let magnitudeMask: UInt64 = 0x7FFF_FFFF_FFFF_FFFF
}
