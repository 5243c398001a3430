/// Where a sample of a task vector's magnitude keys puts the k-th largest: a window of 2^13
/// aligned buckets around the sample's estimate, wide enough that the true key falls in it unless
/// the sample misleads badly (the selection then starts over), whose keys the window pass also
/// counts per region (`tieRegions`, and `fineRegions` for a few likely buckets), so that a
/// threshold shared by many elements (as in the task vectors of bf16 weights) needs no tie pass
/// over the whole tensor.
struct MagnitudeWindow {
    /// log₂ of the window's buckets: fine enough that the bucket of the k-th key of a bf16 task
    /// vector holds that key alone, small enough for the L2 cache with the counts per region.
    static let width = 13
    /// A bucket's keys in each region.
    typealias RegionCounts = InlineArray<8, UInt32>
    /// At most this many regions.
    static let regionLimit = RegionCounts.count

    /// At most this many fine regions.
    static let fineRegionLimit = 64
    /// At most this many buckets counted per fine region.
    static let fineBucketLimit = 32

    let buckets: MagnitudeHistogram.Buckets
    /// The window's last key: the end of the bucket holding the sample band's largest key (below
    /// 2⁶³). Keys above it count as above the window, so the buckets past it stay empty, and only
    /// the values in the band's buckets, not in the whole aligned range, take a bucket update.
    let lastKey: UInt64
    /// The regions of the whole tensor in which each bucket's keys are counted.
    let tieRegions: TieRegions
    /// Whether they are (counts of 32 bits: not if a region could hold more values).
    let countsTies: Bool
    /// Finer regions in which a few buckets' keys are counted as well: the buckets of the sample's
    /// most frequent keys near its estimate (`fineBuckets`), where the threshold of a bf16 task
    /// vector, shared by many elements, most likely lies; its tie pass then reads an eighth as much.
    let fineRegions: TieRegions
    /// The buckets counted per fine region (none if ties are not counted).
    let fineBuckets: [Int]

    /// The window for keeping `keep` of `valueCount` values, from `sample` (keys in any order,
    /// drawn evenly over the tensor in runs of `runLength` consecutive values).
    init(sample: [UInt64], keep: Int, valueCount: Int, runLength: Int) {
        precondition(!sample.isEmpty, "an empty sample")
        let fraction = Double(keep) / Double(valueCount)
        let count = Double(sample.count)
        let estimate = min(sample.count - 1, Int(fraction * count))
        // Three binomial standard deviations, plus a quarter run for values alike within a run.
        let margin = Int(3 * (count * fraction * (1 - fraction)).squareRoot()) + runLength / 4
        // The sample's keys ranked around the estimate, largest first.
        let band = RankedBand.keys(ofRanks: max(0, estimate - margin)...min(sample.count - 1, estimate + margin), among: sample)
        let highest = band[0]
        buckets = .covering(band[band.count - 1], highest, width: Self.width)
        let shift = UInt64(buckets.shift)
        lastKey = min(buckets.start &+ ((UInt64(buckets.bucket(of: highest)) &+ 1) << shift) &- 1, UInt64(Int64.max))
        tieRegions = TieRegions(values: 0..<valueCount, limit: Self.regionLimit)
        countsTies = tieRegions.values(of: 0).count <= Int(UInt32.max)
        fineRegions = TieRegions(values: 0..<valueCount, limit: Self.fineRegionLimit)
        fineBuckets = countsTies ? Self.frequentBuckets(of: band[...], in: buckets) : []
    }

    /// The buckets of the most frequent keys of `keys` (all inside `buckets`), at most
    /// `fineBucketLimit`, the most frequent first (the larger key first among equally frequent).
    private static func frequentBuckets(of keys: ArraySlice<UInt64>, in buckets: MagnitudeHistogram.Buckets) -> [Int] {
        // The keys are sorted: equal keys are adjacent.
        var runs: [(key: UInt64, count: Int)] = []
        for key in keys {
            if let last = runs.last, last.key == key { runs[runs.count - 1].count += 1 } else { runs.append((key, 1)) }
        }
        runs.sort { $0.count != $1.count ? $0.count > $1.count : $0.key > $1.key }
        var chosen: [Int] = []
        for run in runs where chosen.count < fineBucketLimit {
            let bucket = buckets.bucket(of: run.key)
            if !chosen.contains(bucket) { chosen.append(bucket) }
        }
        return chosen
    }

    /// The bucket holding `key`, if its keys were counted per region.
    func countedBucket(of key: UInt64) -> Int? {
        countsTies && key >= buckets.start && key <= lastKey ? buckets.bucket(of: key) : nil
    }
}
