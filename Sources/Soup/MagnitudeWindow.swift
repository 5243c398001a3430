/// Where a sample of a task vector's magnitude keys puts the k-th largest: a window of 2^14
/// aligned buckets around the sample's estimate, wide enough that the true key falls in it unless
/// the sample misleads badly (the selection then starts over), and the buckets nearest the
/// estimate, whose keys the window pass also counts per region (`tieRegions`), so that a
/// threshold shared by many elements (as in the task vectors of bf16 weights) needs no tie pass
/// over the whole tensor.
struct MagnitudeWindow {
    /// log₂ of the window's buckets: fine enough that the bucket of the k-th key of a bf16 task
    /// vector holds that key alone, small enough for the L2 cache.
    static let width = 14
    /// At most this many buckets have their keys counted per region, in at most this many regions
    /// (so that the counts stay in the L2 cache beside the histogram).
    static let trackedLimit = 8192
    static let regionLimit = 16

    let buckets: MagnitudeHistogram.Buckets
    /// The buckets whose keys are counted per region.
    let tracked: Range<Int>
    /// The regions of the whole tensor they are counted in.
    let tieRegions: TieRegions

    /// The window for keeping `keep` of `valueCount` values, from `sample` (keys in decreasing
    /// order, drawn evenly over the tensor in runs of `runLength` consecutive values).
    init(sample: [UInt64], keep: Int, valueCount: Int, runLength: Int) {
        precondition(!sample.isEmpty, "an empty sample")
        let fraction = Double(keep) / Double(valueCount)
        let count = Double(sample.count)
        let estimate = min(sample.count - 1, Int(fraction * count))
        let deviation = (count * fraction * (1 - fraction)).squareRoot()
        func band(_ margin: Int) -> ClosedRange<Int> { max(0, estimate - margin)...min(sample.count - 1, estimate + margin) }
        // Four binomial standard deviations, plus half a run for values alike within a run.
        let window = band(Int(4 * deviation) + runLength / 2)
        buckets = .covering(sample[window.upperBound], sample[window.lowerBound], width: Self.width)
        let near = band(Int(3 * deviation) + runLength / 4)
        let center = buckets.bucket(of: sample[estimate])
        let low = max(buckets.bucket(of: sample[near.upperBound]), center - Self.trackedLimit / 2)
        tieRegions = TieRegions(values: 0..<valueCount, limit: Self.regionLimit)
        // Counts of 32 bits: none if a region could hold more values.
        let countable = tieRegions.values(of: 0).count <= Int(UInt32.max)
        tracked = low..<(countable ? min(buckets.bucket(of: sample[near.lowerBound]) + 1, low + Self.trackedLimit) : low)
    }

    /// The place among the tracked buckets of the one holding `key`, if tracked.
    func trackedIndex(of key: UInt64) -> Int? {
        guard key &- buckets.start < buckets.span, tracked.contains(buckets.bucket(of: key)) else { return nil }
        return buckets.bucket(of: key) - tracked.lowerBound
    }
}
