/// Overflow-checked size arithmetic for values read from files: every size or offset goes through
/// these before it is used, so a hostile header yields an error instead of a trap.
package enum CheckedArithmetic {
    /// The product of `factors`, or nil if any factor is negative or the product overflows `Int`.
    package static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (next, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = next
        }
        return result
    }

    /// The sum of `terms`, or nil on overflow.
    package static func sum(_ terms: some Sequence<Int>) -> Int? {
        var result = 0
        for term in terms {
            guard let next = sum(result, term) else { return nil }
            result = next
        }
        return result
    }

    /// `a + b`, or nil on overflow.
    package static func sum(_ a: Int, _ b: Int) -> Int? {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : value
    }

    /// `a * b`, or nil on overflow.
    package static func multiply(_ a: Int, _ b: Int) -> Int? {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : value
    }

    /// Converts an unsigned 64-bit value read from a file to `Int`, or nil if it does not fit.
    package static func int(_ value: UInt64) -> Int? {
        value <= UInt64(Int.max) ? Int(value) : nil
    }
}
