import TureenCore

extension TrimSelection {
    /// Each ingredient's TIES threshold for `entry` (ingredients and base) at its density: histogram
    /// passes over the ingredients still undecided, then one pass on one thread over those whose
    /// threshold is shared by more elements than are kept.
    ///
    /// - Throws: what reading a source throws.
    static func thresholds(of entry: SoupPlan.Entry, densities: [Double], passes: StatisticsPass) throws -> [TrimThreshold] {
        guard let base = entry.base else { preconditionFailure("TIES needs a base") }
        let valueCount = entry.output.elementCount * entry.output.dtype.componentsPerElement
        var selections = densities.map { TrimSelection(elementCount: valueCount, density: $0) }
        func sources(_ ingredients: [Int]) -> [StoredTensor] { ingredients.map { entry.inputs[$0] } + [base] }
        while true {
            let undecided = selections.indices.compactMap { index -> (Int, MagnitudeHistogram.Digit)? in
                guard case let .histogram(digit) = selections[index].step else { return nil }
                return (index, digit)
            }
            guard !undecided.isEmpty else { break }
            let inputs = sources(undecided.map(\.0))
            let kernel = MagnitudeHistogramKernel(sourceTypes: inputs.map(\.info.dtype), digits: undecided.map(\.1))
            let histograms = kernel.combine(try passes.run(kernel, over: inputs))
            for ((index, _), histogram) in zip(undecided, histograms) { selections[index].absorb(histogram) }
        }
        let tied = selections.indices.compactMap { index -> (Int, (key: UInt64, rank: Int))? in
            guard case let .tieCutoff(key, rank) = selections[index].step else { return nil }
            return (index, (key, rank))
        }
        if !tied.isEmpty {
            var options = passes.options
            options.threadCount = 1
            var oneThread = StatisticsPass(options: options)
            oneThread.onProgress = passes.onProgress
            let inputs = sources(tied.map(\.0))
            let kernel = TieIndexKernel(sourceTypes: inputs.map(\.info.dtype), ties: tied.map(\.1))
            let found = try oneThread.run(kernel, over: inputs)[0].found
            for ((index, _), last) in zip(tied, found) {
                guard let last else { preconditionFailure("fewer ties than the histogram counted") }
                selections[index].absorb(lastTieIndex: last)
            }
        }
        return selections.map { selection in
            guard case let .done(threshold) = selection.step else { preconditionFailure("selection unfinished") }
            return threshold
        }
    }
}
