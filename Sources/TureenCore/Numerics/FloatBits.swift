/// Bit-level conversions between `Float` and the narrow float formats Swift has no type for
/// (bfloat16, float8 E4M3FN and E5M2), with round-to-nearest-even and NaN/±Inf preserved.
package enum FloatBits {
    /// The `Float` a bfloat16 bit pattern stands for (exact).
    @inlinable
    package static func float(fromBF16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// `value` rounded to nearest-even bfloat16; NaN stays NaN (quieted), ±Inf stays ±Inf.
    @inlinable
    package static func bf16(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        let roundingBias = UInt32(0x7FFF) + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
    }

    /// The `Float` an IEEE half-precision bit pattern stands for (exact).
    @inlinable
    package static func float(fromF16 bits: UInt16) -> Float {
        Float(Float16(bitPattern: bits))
    }

    /// `value` rounded to nearest-even IEEE half precision.
    @inlinable
    package static func f16(from value: Float) -> UInt16 {
        Float16(value).bitPattern
    }

    /// The `Float` nearest to `value` in the round-to-odd sense: exact values are kept, inexact ones
    /// are truncated toward zero with the last bit set. Rounding that result again to any format
    /// with at most 22 significand bits gives the correctly rounded result (no double rounding).
    @inlinable
    package static func floatRoundedToOdd(_ value: Double) -> Float {
        let nearest = Float(value)
        let back = Double(nearest)
        // Branch-free so the loops that call it vectorise: step back toward zero when rounding went
        // away from it, then mark any inexact result by setting the last bit.
        let inexact: UInt32 = back != value ? 1 : 0
        let roundedAway: UInt32 = abs(back) > abs(value) ? 1 : 0
        return Float(bitPattern: (nearest.bitPattern &- roundedAway) | inexact)
    }

    /// `value` rounded to nearest-even bfloat16 in one rounding; NaN stays NaN, ±Inf stays ±Inf,
    /// and values beyond the largest finite bfloat16 (after rounding) become ±Inf.
    @inlinable
    package static func bf16(fromDouble value: Double) -> UInt16 {
        let rounded = roundedToPrecision(value, significandBits: 8, exponents: -126...127)
        // `rounded` is a bfloat16 value (or beyond its range, where Float gives ±Inf), so both the
        // Float conversion and dropping the low 16 bits are exact.
        let magnitude = UInt16(truncatingIfNeeded: Float(rounded).bitPattern >> 16)
        return magnitude | UInt16(truncatingIfNeeded: value.bitPattern >> 48) & 0x8000
    }

    /// `value` rounded to nearest-even IEEE half precision in one rounding; NaN stays NaN, ±Inf
    /// stays ±Inf, and values beyond ±65504 (after rounding) become ±Inf.
    @inlinable
    package static func f16(fromDouble value: Double) -> UInt16 {
        let rounded = roundedToPrecision(value, significandBits: 11, exponents: -14...15)
        // `rounded` is a half-precision value (or beyond its range), so both conversions are exact.
        let magnitude = Float16(Float(rounded)).bitPattern
        return magnitude | UInt16(truncatingIfNeeded: value.bitPattern >> 48) & 0x8000
    }

    /// `value` rounded to nearest-even at the precision of a binary format with `significandBits`
    /// (the leading bit included) and normal exponents `exponents`, below which the spacing stays
    /// that of the smallest normal (subnormals). Branch-free, so loops that call it vectorise.
    ///
    /// Adding `c` = ±2^(e + 53 − significandBits), where 2^e is `value`'s binade clamped to
    /// `exponents`, leaves the sum's last bit worth one unit in the last place of the narrow
    /// format, so the addition rounds there (ties to even); subtracting `c` again is exact. NaN
    /// and ±Inf pass through; a rounded zero may lose its sign, which callers restore.
    @inlinable
    static func roundedToPrecision(_ value: Double, significandBits: Int, exponents: ClosedRange<Int>) -> Double {
        let shift = Double(sign: .plus, exponent: 53 - significandBits, significand: 1)
        let smallest = Double(sign: .plus, exponent: exponents.lowerBound, significand: 1) * shift
        let largest = Double(sign: .plus, exponent: exponents.upperBound, significand: 1) * shift
        let binade = Double(bitPattern: value.bitPattern & 0x7FF0_0000_0000_0000) * shift
        let scale = Swift.min(Swift.max(binade, smallest), largest)
        let offset = Double(bitPattern: scale.bitPattern | (value.bitPattern & 0x8000_0000_0000_0000))
        return (value + offset) - offset
    }

    /// The `Float` a float8 E4M3FN bit pattern stands for (no infinities; `S.1111.111` is NaN).
    package static func float(fromF8E4M3 bits: UInt8) -> Float { e4m3Table[Int(bits)] }

    /// The `Float` a float8 E5M2 bit pattern stands for (IEEE-like, with ±Inf and NaN).
    package static func float(fromF8E5M2 bits: UInt8) -> Float { e5m2Table[Int(bits)] }

    /// `value` rounded to nearest-even float8 E4M3FN; values beyond ±448 (after rounding) and ±Inf become NaN.
    package static func f8E4M3(from value: Float) -> UInt8 { E4M3.encode(value) }

    /// `value` rounded to nearest-even float8 E5M2; overflow becomes ±Inf.
    package static func f8E5M2(from value: Float) -> UInt8 { E5M2.encode(value) }

    static let e4m3Table: [Float] = (0..<256).map { E4M3.decode(UInt8($0)) }
    static let e5m2Table: [Float] = (0..<256).map { E5M2.decode(UInt8($0)) }
}

/// A float8 layout: exponent and mantissa widths, and how it spells infinity and NaN.
struct Float8Layout {
    let exponentBits: Int
    let mantissaBits: Int
    /// E5M2 has IEEE infinities; E4M3FN has none and a single NaN mantissa.
    let hasInfinity: Bool

    var bias: Int { (1 << (exponentBits - 1)) - 1 }
    var minimumNormalExponent: Int { 1 - bias }
    var largestFinite: Float {
        let maxExponent = hasInfinity ? (1 << exponentBits) - 2 - bias : (1 << exponentBits) - 1 - bias
        let maxMantissa = hasInfinity ? (1 << mantissaBits) - 1 : (1 << mantissaBits) - 2
        return Float(sign: .plus, exponent: maxExponent, significand: 1 + Float(maxMantissa) / Float(1 << mantissaBits))
    }
    var nanBits: UInt8 { hasInfinity ? UInt8((((1 << exponentBits) - 1) << mantissaBits) | (1 << (mantissaBits - 1))) : 0x7F }
    var infinityBits: UInt8 { UInt8(((1 << exponentBits) - 1) << mantissaBits) }

    func decode(_ bits: UInt8) -> Float {
        let negative = bits & 0x80 != 0
        let exponentField = Int(bits >> mantissaBits) & ((1 << exponentBits) - 1)
        let mantissa = Int(bits) & ((1 << mantissaBits) - 1)
        let allOnes = (1 << exponentBits) - 1
        var magnitude: Float
        if hasInfinity, exponentField == allOnes {
            magnitude = mantissa == 0 ? .infinity : .nan
        } else if !hasInfinity, exponentField == allOnes, mantissa == (1 << mantissaBits) - 1 {
            magnitude = .nan
        } else if exponentField == 0 {
            magnitude = Float(mantissa) * Float(sign: .plus, exponent: minimumNormalExponent - mantissaBits, significand: 1)
        } else {
            magnitude = Float(sign: .plus, exponent: exponentField - bias, significand: 1 + Float(mantissa) / Float(1 << mantissaBits))
        }
        return negative ? -magnitude : magnitude
    }

    func encode(_ value: Float) -> UInt8 {
        let signBit: UInt8 = value.sign == .minus ? 0x80 : 0
        if value.isNaN { return signBit | nanBits }
        let magnitude = abs(value)
        if magnitude.isInfinite { return signBit | (hasInfinity ? infinityBits : nanBits) }
        if magnitude == 0 { return signBit }
        let exponent = max(Int(magnitude.exponent), minimumNormalExponent)
        let quantum = Float(sign: .plus, exponent: exponent - mantissaBits, significand: 1)
        let rounded = (magnitude / quantum).rounded(.toNearestOrEven) * quantum
        if rounded > largestFinite { return signBit | (hasInfinity ? infinityBits : nanBits) }
        if rounded < Float(sign: .plus, exponent: minimumNormalExponent, significand: 1) {
            let steps = rounded / Float(sign: .plus, exponent: minimumNormalExponent - mantissaBits, significand: 1)
            return signBit | UInt8(steps)
        }
        let finalExponent = Int(rounded.exponent)
        let mantissa = Int(rounded.significandBitPattern >> UInt32(Float.significandBitCount - mantissaBits))
        return signBit | UInt8(((finalExponent + bias) << mantissaBits) | mantissa)
    }
}

let E4M3 = Float8Layout(exponentBits: 4, mantissaBits: 3, hasInfinity: false)
let E5M2 = Float8Layout(exponentBits: 5, mantissaBits: 2, hasInfinity: true)
