/// The keys at a range of ranks of a set of 64-bit keys ranked from the largest, without sorting
/// the set: one counting pass over their top 16 bits finds the buckets that hold the band, and only
/// the keys of those buckets are sorted (`RadixSort`). For the samples that place TIES's threshold
/// window: a band of a per cent of a 131,072-key sample usually lies in one to three buckets, so a
/// few thousand keys are sorted instead of the whole sample (which cost about as much CPU time as
/// the window a larger sample saves).
enum RankedBand {
    /// The bits of a key that choose its bucket: the top 16.
    private static let bucketShift: UInt64 = 48

    /// The keys of ranks `ranks` among `keys` (rank 0 the largest), largest first; equal keys take
    /// consecutive ranks.
    static func keys(ofRanks ranks: ClosedRange<Int>, among keys: [UInt64]) -> [UInt64] {
        precondition(ranks.lowerBound >= 0 && ranks.upperBound < keys.count, "ranks outside the keys")
        var counts = [UInt32](repeating: 0, count: 1 << (64 - bucketShift))
        counts.withUnsafeMutableBufferPointer { counts in
            for key in keys { counts[Int(truncatingIfNeeded: key &>> bucketShift)] &+= 1 }
        }
        // Walking the buckets down from the largest: the bucket holding the band's first rank, the
        // keys above it, and the bucket holding its last rank.
        var bucket = counts.count - 1
        var above = 0
        while above + Int(counts[bucket]) <= ranks.lowerBound {
            above += Int(counts[bucket])
            bucket -= 1
        }
        let (top, keysAboveTop) = (bucket, above)
        while above + Int(counts[bucket]) <= ranks.upperBound {
            above += Int(counts[bucket])
            bucket -= 1
        }
        let bottom = bucket
        let candidates = keys.filter { (bottom...top).contains(Int(truncatingIfNeeded: $0 &>> bucketShift)) }
        let sorted = RadixSort.descending(candidates)
        return Array(sorted[(ranks.lowerBound - keysAboveTop)...(ranks.upperBound - keysAboveTop)])
    }
}
