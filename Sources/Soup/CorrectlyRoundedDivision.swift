/// Divides many values by one divisor with correctly rounded results, using a reciprocal and one
/// fused multiply-add correction (Markstein's theorem: with `r` = RN(1/d) and `q` within an ulp of
/// a/d, RN(q + RN(a − q·d)·r) = RN(a/d)) instead of a division per value, which is several times
/// slower. Exact and non-finite quotients keep the plain product, which is then already right
/// (and keeps the sign of a zero).
struct CorrectlyRoundedDivision {
    let divisor: Double
    let reciprocal: Double

    init(divisor: Double) {
        self.divisor = divisor
        self.reciprocal = 1 / divisor
    }

    /// Replaces every value `a` with RN(a / divisor).
    func apply(to values: UnsafeMutableBufferPointer<Double>) {
        guard let base = values.baseAddress else { return }
        for i in 0..<values.count {
            let dividend = base[i]
            let estimate = dividend * reciprocal
            let remainder = dividend.addingProduct(-estimate, divisor)
            let corrected = estimate.addingProduct(remainder, reciprocal)
            base[i] = estimate.isFinite && remainder != 0 ? corrected : estimate
        }
    }
}
