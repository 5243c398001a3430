/// TIES's sign election and disjoint merge over one block (mergekit's `generalized_task_arithmetic`
/// with sign consensus): the elected sign is + where Σ wᵢδ̃ᵢ ≥ 0 and − elsewhere (NaN too); a term
/// agrees when its product with the elected ±1 is positive (never a zero or NaN term); the sum is
/// Σ wᵢδ̃ᵢ·[agrees], the divisor Σ wᵢ·[agrees] (1 where that is 0), and the result θ0 + λ·sum
/// (÷ divisor when normalising). One loop over the block for the elected signs, then one for the
/// sums, divisors and result that reads up to `groupLimit` ingredients' terms per value and keeps
/// its sums in registers (more ingredients take a loop per group, the sums kept in blocks between
/// them). Each loop's operations and their order, value by value, are those of the formula, so the
/// result does not depend on how the block is split.
struct SignConsensus {
    let weights: [Double]
    let normalize: Bool
    let lambda: Double

    /// Ingredients whose terms one loop reads together.
    static let groupLimit = 8

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
        precondition(terms.allSatisfy { $0.count >= count }, "a term block shorter than the result")
        guard count > 0 else { return }
        let elected = total.baseAddress.unsafelyUnwrapped
        // The elected sign, ±1, in place of the total (read by every group's loop).
        for k in 0..<count { elected[k] = elected[k] >= 0 ? 1 : -1 }
        let blocks = Blocks(
            terms: terms, elected: UnsafePointer(elected),
            base: UnsafePointer(base.baseAddress.unsafelyUnwrapped), sums: result.baseAddress.unsafelyUnwrapped,
            divisors: divisors.baseAddress.unsafelyUnwrapped, count: count)
        let ending: Completion = normalize ? .divide : .scale
        // No ingredient: one empty group (sums and divisors 0).
        var first = 0
        repeat {
            let size = min(Self.groupLimit, blocks.terms.count - first)
            let completion = first + size == blocks.terms.count ? ending : .keepSums
            addGroup(first: first, size: size, of: blocks, starts: first == 0, completion: completion)
            first += size
        } while first < blocks.terms.count
    }

    /// The block's buffers: each ingredient's terms, the elected signs, θ0, and the running sums
    /// (the result at the end) and divisors.
    private struct Blocks {
        /// A slice of the kernel's blocks (no array made per block).
        let terms: ArraySlice<UnsafeMutableBufferPointer<Double>>
        let elected: UnsafePointer<Double>
        let base: UnsafePointer<Double>
        let sums: UnsafeMutablePointer<Double>
        let divisors: UnsafeMutablePointer<Double>
        let count: Int
    }

    /// How a group's loop ends each value.
    private enum Completion {
        /// Stores the sum and divisor in the blocks, for the next group.
        case keepSums
        /// θ0 + λ·sum.
        case scale
        /// θ0 + λ·(sum ÷ divisor).
        case divide
    }

    /// Adds the agreeing terms of the `size` ingredients from `first` on (at most `groupLimit`) to
    /// the sums and divisors, from 0 when the group `starts`, else from the blocks, and ends each
    /// value as `completion` says.
    private func addGroup(first: Int, size: Int, of blocks: Blocks, starts: Bool, completion: Completion) {
        switch size {
        case 0: addAgreeing(InlineArray<0, Int> { first + $0 }, of: blocks, starts: starts, completion: completion)
        case 1: addAgreeing(InlineArray<1, Int> { first + $0 }, of: blocks, starts: starts, completion: completion)
        case 2: addAgreeing(InlineArray<2, Int> { first + $0 }, of: blocks, starts: starts, completion: completion)
        case 3: addAgreeing(InlineArray<3, Int> { first + $0 }, of: blocks, starts: starts, completion: completion)
        case 4: addAgreeing(InlineArray<4, Int> { first + $0 }, of: blocks, starts: starts, completion: completion)
        case 5: addAgreeing(InlineArray<5, Int> { first + $0 }, of: blocks, starts: starts, completion: completion)
        case 6: addAgreeing(InlineArray<6, Int> { first + $0 }, of: blocks, starts: starts, completion: completion)
        case 7: addAgreeing(InlineArray<7, Int> { first + $0 }, of: blocks, starts: starts, completion: completion)
        default: addAgreeing(InlineArray<8, Int> { first + $0 }, of: blocks, starts: starts, completion: completion)
        }
    }

    /// `addGroup` for the ingredients `group` (consecutive, in order).
    private func addAgreeing<let size: Int>(_ group: InlineArray<size, Int>, of blocks: Blocks, starts: Bool, completion: Completion) {
        let terms = InlineArray<size, UnsafePointer<Double>> {
            UnsafePointer(blocks.terms[blocks.terms.startIndex + group[$0]].baseAddress.unsafelyUnwrapped)
        }
        let weights = InlineArray<size, Double> { self.weights[group[$0]] }
        // Constant arguments in each call, so each loop is compiled without their branches.
        switch (starts, completion) {
        case (true, .keepSums): addAgreeing(terms, weights: weights, of: blocks, starts: true, completion: .keepSums)
        case (true, .scale): addAgreeing(terms, weights: weights, of: blocks, starts: true, completion: .scale)
        case (true, .divide): addAgreeing(terms, weights: weights, of: blocks, starts: true, completion: .divide)
        case (false, .keepSums): addAgreeing(terms, weights: weights, of: blocks, starts: false, completion: .keepSums)
        case (false, .scale): addAgreeing(terms, weights: weights, of: blocks, starts: false, completion: .scale)
        case (false, .divide): addAgreeing(terms, weights: weights, of: blocks, starts: false, completion: .divide)
        }
    }

    /// The loop of `addGroup` over the block's values, with each ingredient's `terms` block and
    /// weight; inlined into each call so that `starts` and `completion` are constants in it.
    @inline(__always)
    private func addAgreeing<let size: Int>(
        _ terms: InlineArray<size, UnsafePointer<Double>>, weights: InlineArray<size, Double>, of blocks: Blocks,
        starts: Bool, completion: Completion
    ) {
        let (elected, base, sums, divisors) = (blocks.elected, blocks.base, blocks.sums, blocks.divisors)
        for k in 0..<blocks.count {
            // A sum from 0 starts as 0 + its first term, as the formula's does.
            var sum = starts ? 0 : sums[k]
            var divisor = starts ? 0 : divisors[k]
            Self.addAgreeingTerms(InlineArray<size, Double> { terms[unchecked: $0][k] }, weights: weights, elected: elected[k], to: &sum, &divisor)
            switch completion {
            case .keepSums:
                (sums[k], divisors[k]) = (sum, divisor)
            case .scale, .divide:
                sums[k] = completed(sum: sum, divisor: divisor, base: base[k], divides: completion == .divide)
            }
        }
    }

    /// Adds one value's terms that agree with its `elected` sign (±1) to `sum`, and their weights
    /// to `divisor`, in ingredient order.
    @inline(__always)
    static func addAgreeingTerms<let size: Int>(
        _ terms: InlineArray<size, Double>, weights: InlineArray<size, Double>, elected: Double, to sum: inout Double, _ divisor: inout Double
    ) {
        for index in 0..<size {
            let term = terms[unchecked: index]
            let agrees: Double = term * elected > 0 ? 1 : 0
            sum += term * agrees
            divisor += weights[unchecked: index] * agrees
        }
    }

    /// One value's result from its agreeing `sum` and `divisor`: θ0 + λ·(sum ÷ divisor, 1 where
    /// that is 0) when the completion `divides`, θ0 + λ·sum when not.
    @inline(__always)
    func completed(sum: Double, divisor: Double, base: Double, divides: Bool) -> Double {
        divides ? (sum / (divisor == 0 ? 1 : divisor)) * lambda + base : sum * lambda + base
    }
}
