import TureenCore

/// The first pass that norm-matching rescale needs (mergekit 0.1.5's `rescale: true`): for each
/// ingredient, ‖δᵢ‖₁ and ‖δᵢ·mᵢ‖₁ under its mask, summed exactly (`MaskedMagnitudeSums`) so that the
/// rescale factor, and so the merged tensor, do not depend on the chunk size or the thread count.
/// Sources are the ingredients, then the base.
struct TaskVectorNormKernel: StatisticsKernel {
    /// Each source's dtype: the ingredients', then the base's.
    let sourceTypes: [DType]
    /// Each ingredient's mask (their scale is not applied).
    let sparsifiers: [TaskVectorSparsifier]

    /// The task-vector blocks' scratch, then a block of mask factors.
    var scratchValues: Int { TaskVectorBlocks.scratchValues + LinearMergeKernel.blockValues }

    func makePartial() -> [MaskedMagnitudeSums] {
        sparsifiers.map { MaskedMagnitudeSums(mask: $0.mask) }
    }

    func accumulate(_ inputs: [UnsafeRawBufferPointer], firstValue: Int, scratch: UnsafeMutableBufferPointer<Double>, into partial: inout [MaskedMagnitudeSums]) {
        let blocksScratch = TaskVectorBlocks.scratchValues
        let factors = UnsafeMutableBufferPointer(rebasing: scratch[blocksScratch..<scratchValues])
        TaskVectorBlocks(inputTypes: sourceTypes).forEachBlock(of: inputs, scratch: UnsafeMutableBufferPointer(rebasing: scratch[0..<blocksScratch])) { ingredient, offset, deltas in
            partial[ingredient].add(
                deltas, under: sparsifiers[ingredient], from: firstValue + offset,
                factors: UnsafeMutableBufferPointer(rebasing: factors[0..<deltas.count]))
        }
    }

    /// (‖δᵢ‖₁, ‖δᵢ·mᵢ‖₁) per ingredient from the threads' partial sums.
    static func combine(_ partials: [[MaskedMagnitudeSums]]) -> [(before: Double, after: Double)] {
        guard var total = partials.first else { return [] }
        for partial in partials.dropFirst() {
            for index in total.indices { total[index].add(partial[index]) }
        }
        return total.map { ($0.before, $0.after) }
    }
}
