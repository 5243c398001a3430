import TureenCore

/// A first pass of TIES's threshold search (`TrimSelection`): for each ingredient still undecided,
/// the histogram of its task vector's magnitude keys under that ingredient's current prefix.
/// Sources are those ingredients, then the base.
struct MagnitudeHistogramKernel: StatisticsKernel {
    /// Each source's dtype: the ingredients', then the base's.
    let sourceTypes: [DType]
    /// The buckets each ingredient's histogram counts, in source order.
    let ranges: [MagnitudeHistogram.Buckets]

    var scratchValues: Int { TaskVectorBlocks.scratchValues }

    /// One empty histogram per ingredient (a thread's own: `StatisticsPass` makes one partial per thread).
    func makePartial() -> [MagnitudeHistogram] { ranges.map { MagnitudeHistogram(range: $0) } }

    func accumulate(_ inputs: [UnsafeRawBufferPointer], firstValue: Int, scratch: UnsafeMutableBufferPointer<Double>, into partial: inout [MagnitudeHistogram]) {
        let histograms = partial
        TaskVectorBlocks(inputTypes: sourceTypes).forEachBlock(of: inputs, scratch: scratch) { ingredient, _, deltas in
            histograms[ingredient].add(deltas)
        }
    }

    /// The threads' histograms added up, one per ingredient.
    func combine(_ partials: [[MagnitudeHistogram]]) -> [MagnitudeHistogram] {
        guard let totals = partials.first else { return makePartial() }
        for partial in partials.dropFirst() {
            for (total, part) in zip(totals, partial) { total.add(part) }
        }
        return totals
    }
}
