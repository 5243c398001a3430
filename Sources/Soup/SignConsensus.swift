/// TIES's sign election and disjoint merge over one block (mergekit's `generalized_task_arithmetic`
/// with sign consensus): the elected sign is + where Σ wᵢδ̃ᵢ ≥ 0 and − elsewhere (NaN too); a term
/// agrees when its product with the elected ±1 is positive (never a zero or NaN term); the sum is
/// Σ wᵢδ̃ᵢ·[agrees], the divisor Σ wᵢ·[agrees] (1 where that is 0), and the result θ0 + λ·sum
/// (÷ divisor when normalising). One loop over the block for the elected signs, one per
/// ingredient, then one for the result: each a simple loop the compiler vectorises, whose
/// operations and their order, value by value, are those of the formula, so the result does not
/// depend on how the block is split.
struct SignConsensus {
    let weights: [Double]
    let normalize: Bool
    let lambda: Double

    /// Stores the merged value of every element of the block in `result`: `terms` holds each
    /// ingredient's wᵢδ̃ᵢ, `total` their sum (replaced by the elected signs), `base` θ0; `divisors`
    /// is scratch of the block's size.
    func merge(
        terms: ArraySlice<UnsafeMutableBufferPointer<Double>>, total: UnsafeMutableBufferPointer<Double>,
        base: UnsafeMutableBufferPointer<Double>, divisors: UnsafeMutableBufferPointer<Double>,
        into result: UnsafeMutableBufferPointer<Double>
    ) {
        let count = result.count
        precondition(total.count >= count && base.count >= count && divisors.count >= count, "blocks shorter than the result")
        guard count > 0 else { return }
        let (sums, divisors) = (result.baseAddress.unsafelyUnwrapped, divisors.baseAddress.unsafelyUnwrapped)
        let (elected, base) = (total.baseAddress.unsafelyUnwrapped, UnsafePointer(base.baseAddress.unsafelyUnwrapped))
        // The elected sign, ±1, in place of the total (read by every ingredient's loop).
        for k in 0..<count { elected[k] = elected[k] >= 0 ? 1 : -1 }
        for (position, (terms, weight)) in zip(terms, weights).enumerated() {
            precondition(terms.count >= count, "a term block shorter than the result")
            let terms = UnsafePointer(terms.baseAddress.unsafelyUnwrapped)
            // The first term sets the sums (0 + it, as a sum from 0 gives), the others add to them.
            if position == 0 {
                for k in 0..<count {
                    let agrees: Double = terms[k] * elected[k] > 0 ? 1 : 0
                    sums[k] = 0 + terms[k] * agrees
                    divisors[k] = 0 + weight * agrees
                }
            } else {
                for k in 0..<count {
                    let agrees: Double = terms[k] * elected[k] > 0 ? 1 : 0
                    sums[k] += terms[k] * agrees
                    divisors[k] += weight * agrees
                }
            }
        }
        if terms.isEmpty {
            sums.update(repeating: 0, count: count)
            divisors.update(repeating: 0, count: count)
        }
        let lambda = lambda
        if normalize {
            for k in 0..<count { sums[k] = (sums[k] / (divisors[k] == 0 ? 1 : divisors[k])) * lambda + base[k] }
        } else {
            for k in 0..<count { sums[k] = sums[k] * lambda + base[k] }
        }
    }
}
