/// Where a sample of a task vector's magnitude keys puts the k-th largest: a window of 2^13
/// aligned buckets around the sample's estimate, wide enough that the true key falls in it unless
/// the sample misleads badly (the selection then starts over), whose keys the window pass also
/// counts per region (`tieRegions`), so that a threshold shared by many elements (as in the task
/// vectors of bf16 weights) needs no tie pass over the whole tensor.
struct MagnitudeWindow {
    /// log₂ of the window's buckets: fine enough that the bucket of the k-th key of a bf16 task
    /// vector holds that key alone, small enough for the L2 cache with the counts per region.
    static let width = 13
    /// A bucket's keys in each region.
    typealias RegionCounts = InlineArray<8, UInt32>
    /// At most this many regions.
    static let regionLimit = RegionCounts.count

    let buckets: MagnitudeHistogram.Buckets
    /// The regions of the whole tensor in which each bucket's keys are counted.
    let tieRegions: TieRegions
    /// Whether they are (counts of 32 bits: not if a region could hold more values).
    let countsTies: Bool

    /// The window for keeping `keep` of `valueCount` values, from `sample` (keys in decreasing
    /// order, drawn evenly over the tensor in runs of `runLength` consecutive values).
    init(sample: [UInt64], keep: Int, valueCount: Int, runLength: Int) {
        precondition(!sample.isEmpty, "an empty sample")
        let fraction = Double(keep) / Double(valueCount)
        let count = Double(sample.count)
        let estimate = min(sample.count - 1, Int(fraction * count))
        // Three binomial standard deviations, plus a quarter run for values alike within a run.
        let margin = Int(3 * (count * fraction * (1 - fraction)).squareRoot()) + runLength / 4
        let band = max(0, estimate - margin)...min(sample.count - 1, estimate + margin)
        buckets = .covering(sample[band.upperBound], sample[band.lowerBound], width: Self.width)
        tieRegions = TieRegions(values: 0..<valueCount, limit: Self.regionLimit)
        countsTies = tieRegions.values(of: 0).count <= Int(UInt32.max)
    }

    /// The bucket holding `key`, if its keys were counted per region.
    func countedBucket(of key: UInt64) -> Int? {
        countsTies && key &- buckets.start < buckets.span ? buckets.bucket(of: key) : nil
    }
}
