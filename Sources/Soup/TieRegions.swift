/// A range of a tensor's values cut, by index, into at most `limit` regions of 2^`shift` values
/// (at least 1024), so that TIES finds its last tie kept from per-region counts of the ties (made by
/// the window pass or a parallel tie pass) and then reads only the region holding it.
struct TieRegions {
    let values: Range<Int>
    /// log₂ of the values per region.
    let shift: Int

    init(values: Range<Int>, limit: Int = 1024) {
        self.values = values
        var shift = 10
        while (values.count - 1) >> shift >= limit { shift += 1 }
        self.shift = shift
    }

    var count: Int { values.isEmpty ? 0 : ((values.count - 1) >> shift) + 1 }

    /// The region holding tensor-wide index `index`, which lies in the range.
    @inline(__always)
    func region(of index: Int) -> Int { (index &- values.lowerBound) &>> shift }

    /// The values of `region`.
    func values(of region: Int) -> Range<Int> {
        (values.lowerBound + region << shift)..<min(values.upperBound, values.lowerBound + (region + 1) << shift)
    }

    /// Calls `body(region, range)` for each part of `block` (tensor-wide indices, in the range) that
    /// lies in one region, `range` relative to the block's start.
    @inline(__always)
    func forEachRegion(of block: Range<Int>, _ body: (_ region: Int, _ range: Range<Int>) -> Void) {
        var start = block.lowerBound
        while start < block.upperBound {
            let region = region(of: start)
            let end = min(block.upperBound, values(of: region).upperBound)
            body(region, (start - block.lowerBound)..<(end - block.lowerBound))
            start = end
        }
    }

    /// The region holding the `rank`-th tie (from 1, in index order) and its rank within the
    /// region, from the ties each region holds; nil if there are fewer.
    static func locate(rank: Int, counts: some Sequence<Int>) -> (region: Int, rank: Int)? {
        var remaining = rank
        for (region, count) in counts.enumerated() {
            if remaining <= count { return (region, remaining) }
            remaining -= count
        }
        return nil
    }
}
