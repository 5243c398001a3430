import TureenCore

/// The first pass that norm-matching rescale needs (mergekit 0.1.5's `rescale: true`): for each
/// ingredient, ‖δᵢ‖₁ and ‖δᵢ·mᵢ‖₁ under its mask, summed exactly (`ExactMagnitudeSum`) so that the
/// rescale factor, and so the merged tensor, do not depend on the chunk size or the thread count.
/// Sources are the ingredients, then the base.
struct TaskVectorNormKernel: StatisticsKernel {
    /// Each source's dtype: the ingredients', then the base's.
    let sourceTypes: [DType]
    /// Each ingredient's mask (their scale is not applied).
    let sparsifiers: [TaskVectorSparsifier]

    /// Per ingredient, the sums of |δ| and of |δ·m|.
    typealias Partial = [(before: ExactMagnitudeSum, after: ExactMagnitudeSum)]

    var scratchValues: Int { 2 * TaskVectorBlocks.scratchValues }

    func makePartial() -> Partial {
        Array(repeating: (ExactMagnitudeSum(), ExactMagnitudeSum()), count: sparsifiers.count)
    }

    func accumulate(_ inputs: [UnsafeRawBufferPointer], firstValue: Int, scratch: UnsafeMutableBufferPointer<Double>, into partial: inout Partial) {
        let blockValues = TaskVectorBlocks.scratchValues
        let factors = UnsafeMutableBufferPointer(rebasing: scratch[blockValues..<(2 * blockValues)])
        TaskVectorBlocks(inputTypes: sourceTypes).forEachBlock(of: inputs, scratch: UnsafeMutableBufferPointer(rebasing: scratch[0..<blockValues])) { ingredient, offset, deltas in
            partial[ingredient].before.add(deltas)
            var mask = sparsifiers[ingredient]
            mask.scale = 1
            mask.apply(to: deltas, from: firstValue + offset, factors: UnsafeMutableBufferPointer(rebasing: factors[0..<deltas.count]))
            partial[ingredient].after.add(deltas)
        }
    }

    /// (‖δᵢ‖₁, ‖δᵢ·mᵢ‖₁) per ingredient from the threads' partial sums.
    static func combine(_ partials: [Partial]) -> [(before: Double, after: Double)] {
        guard var total = partials.first else { return [] }
        for partial in partials.dropFirst() {
            for index in total.indices {
                total[index].before.add(partial[index].before)
                total[index].after.add(partial[index].after)
            }
        }
        return total.map { ($0.before.total, $0.after.total) }
    }
}
