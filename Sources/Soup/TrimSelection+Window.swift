import TureenCore

extension TrimSelection {
    /// Tensors of more values than this start their selection from a sampled window: more than
    /// the sample holds (`MagnitudeWindow.windows` needs that many), 2¹⁷.
    static let windowedValueCount = MagnitudeWindow.sampleRuns * MagnitudeWindow.runLength

    /// The first step of the undecided selections of a large tensor whose sources are read by
    /// copying (any range, in any order): a sample of each ingredient's task vector sets a window
    /// of keys (`MagnitudeWindow`), one pass over all of them counts it (`MagnitudeWindowKernel`),
    /// and each selection whose k-th largest key lies in its window goes on from the bucket holding
    /// it; the others start over. Returns, for each ingredient whose selection now asks for a tie
    /// cutoff in its window, its ties per region.
    ///
    /// - Throws: what reading a source throws.
    static func narrowByWindows(
        _ selections: inout [TrimSelection], valueCount: Int, sources: ([Int]) -> [StoredTensor], passes: StatisticsPass
    ) throws -> [Int: RegionTies] {
        let undecided = selections.indices.filter { selections[$0].step == .histogram(.allKeys) }
        let inputs = sources(undecided)
        guard valueCount > windowedValueCount, !undecided.isEmpty, inputs.allSatisfy(\.source.supportsConcurrentCopies) else { return [:] }
        let windows = try MagnitudeWindow.windows(
            of: inputs, valueCount: valueCount, keeps: undecided.map { selections[$0].keep }, threads: passes.options.threadCount)
        let kernel = MagnitudeWindowKernel(sourceTypes: inputs.map(\.info.dtype), windows: windows)
        var tiesPerRegion: [Int: RegionTies] = [:]
        for (index, counts) in zip(undecided, kernel.combine(try passes.run(kernel, over: inputs))) {
            guard selections[index].absorb(window: counts.histogram, keysAbove: counts.keysAbove) else { continue }
            if case let .tieCutoff(key, _) = selections[index].step, let bucket = counts.window.countedBucket(of: key) {
                tiesPerRegion[index] = counts.regionTies(of: bucket)
            }
        }
        return tiesPerRegion
    }
}
