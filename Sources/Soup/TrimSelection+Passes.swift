import TureenCore

extension TrimSelection {
    /// Each ingredient's TIES threshold for `entry` (ingredients and base) at its density: for a
    /// tensor of at most `inMemoryLimit` values (`inMemoryValueCount` unless a test asks for the
    /// passes), every key read and sorted; for a large one, a window pass around sampled
    /// thresholds; histogram passes over the ingredients still undecided; then, for those whose
    /// threshold is shared by more elements than are kept, the last tie kept (`cutTies`).
    ///
    /// - Throws: what reading a source throws.
    static func thresholds(
        of entry: SoupPlan.Entry, densities: [Double], passes: StatisticsPass, inMemoryLimit: Int = inMemoryValueCount
    ) throws -> [TrimThreshold] {
        guard let base = entry.base else { preconditionFailure("TIES needs a base") }
        let valueCount = entry.output.elementCount * entry.output.dtype.componentsPerElement
        var selections = densities.map { TrimSelection(elementCount: valueCount, density: $0) }
        func sources(_ ingredients: [Int]) -> [StoredTensor] { ingredients.map { entry.inputs[$0] } + [base] }
        if valueCount <= inMemoryLimit {
            try selectInMemory(&selections, valueCount: valueCount, sources: sources, passes: passes)
        }
        let counted = try narrowByWindows(&selections, valueCount: valueCount, sources: sources, passes: passes)
        while true {
            let undecided = selections.indices.compactMap { index -> (Int, MagnitudeHistogram.Buckets)? in
                guard case let .histogram(range) = selections[index].step else { return nil }
                return (index, range)
            }
            guard !undecided.isEmpty else { break }
            let inputs = sources(undecided.map(\.0))
            let kernel = MagnitudeHistogramKernel(sourceTypes: inputs.map(\.info.dtype), ranges: undecided.map(\.1))
            let histograms = kernel.combine(try passes.run(kernel, over: inputs))
            for ((index, _), histogram) in zip(undecided, histograms) { selections[index].absorb(histogram) }
        }
        try cutTies(&selections, counted: counted, valueCount: valueCount, sources: sources, passes: passes)
        return selections.map { selection in
            guard case let .done(threshold) = selection.step else { preconditionFailure("selection unfinished") }
            return threshold
        }
    }
}
