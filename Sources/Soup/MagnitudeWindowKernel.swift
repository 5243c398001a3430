import TureenCore

/// The first pass of TIES's threshold search for a large tensor (`TrimSelection`), given each
/// ingredient's `MagnitudeWindow`: how many keys lie above the window, the window's histogram,
/// and each bucket's keys per region. Only the values inside the window (a few per cent) pay a
/// bucket update. Sources are the ingredients, then the base.
struct MagnitudeWindowKernel: StatisticsKernel {
    /// Each source's dtype: the ingredients', then the base's.
    let sourceTypes: [DType]
    /// Each ingredient's window, in source order.
    let windows: [MagnitudeWindow]

    /// One ingredient's counts on one thread.
    final class Counts {
        let window: MagnitudeWindow
        let histogram: MagnitudeHistogram
        var keysAbove = 0
        /// Keys per bucket and region: `tieRegions.count` counts per bucket (none if not counted).
        let regionKeys: UnsafeMutableBufferPointer<UInt32>
        /// Whether each value of a block lies inside the window (1) or not (0), and zeros up to a
        /// multiple of 8.
        private let inside: UnsafeMutableBufferPointer<UInt8>

        init(window: MagnitudeWindow) {
            self.window = window
            histogram = MagnitudeHistogram(range: window.buckets)
            regionKeys = .allocate(capacity: window.countsTies ? window.tieRegions.count << window.buckets.width : 0)
            regionKeys.initialize(repeating: 0)
            inside = .allocate(capacity: LinearMergeKernel.blockValues + 8)
            inside.initialize(repeating: 0)
        }

        deinit {
            regionKeys.deallocate()
            inside.deallocate()
        }

        /// Counts `deltas` (at most a block), the values from tensor-wide index `first` on.
        func add(_ deltas: UnsafeMutableBufferPointer<Double>, first: Int) {
            let (start, span, shift) = (window.buckets.start, window.buckets.span, UInt64(window.buckets.shift))
            // Keys are below 2⁶³, so signed arithmetic, which vectorises, orders them (the sign of
            // high − key says whether a key is above); nothing lies above a window that reaches 2⁶³.
            let low = Int64(bitPattern: start)
            let high = Int64(clamping: start &+ (span &- 1))
            var above = 0
            let flags = inside.baseAddress.unsafelyUnwrapped
            for k in deltas.indices {
                let key = Int64(bitPattern: TrimThreshold.magnitudeKey(deltas[k]))
                above &-= Int((high &- key) >> 63)
                flags[k] = (key >= low ? 1 : 0) & (key <= high ? 1 : 0)
            }
            for k in deltas.count..<((deltas.count + 7) & ~7) { flags[k] = 0 }
            keysAbove &+= above
            let (regions, countsTies) = (window.tieRegions, window.countsTies)
            let regionCount = regions.count
            // Eight flags at a time: most words hold none.
            for word in stride(from: 0, to: deltas.count, by: 8) {
                var bits = UnsafeRawPointer(flags + word).loadUnaligned(as: UInt64.self)
                while bits != 0 {
                    let k = word &+ bits.trailingZeroBitCount &>> 3
                    bits &= bits &- 1
                    let key = TrimThreshold.magnitudeKey(deltas[k])
                    let bucket = Int(truncatingIfNeeded: (key &- start) &>> shift)
                    histogram.count(key, in: bucket)
                    if countsTies { regionKeys[bucket &* regionCount &+ regions.region(of: first &+ k)] &+= 1 }
                }
            }
        }

        /// Adds another thread's counts for the same window.
        func add(_ other: Counts) {
            histogram.add(other.histogram)
            keysAbove += other.keysAbove
            for index in regionKeys.indices { regionKeys[index] += other.regionKeys[index] }
        }

        /// The keys of `bucket` in each region.
        func regionKeys(of bucket: Int) -> [Int] {
            let count = window.tieRegions.count
            return regionKeys[(bucket * count)..<((bucket + 1) * count)].map(Int.init)
        }
    }

    var scratchValues: Int { TaskVectorBlocks.scratchValues }

    /// One set of counts per ingredient (a thread's own: `StatisticsPass` makes one partial per thread).
    func makePartial() -> [Counts] { windows.map(Counts.init) }

    func accumulate(_ inputs: [UnsafeRawBufferPointer], firstValue: Int, scratch: UnsafeMutableBufferPointer<Double>, into partial: inout [Counts]) {
        let counts = partial
        TaskVectorBlocks(inputTypes: sourceTypes).forEachBlock(of: inputs, scratch: scratch) { ingredient, offset, deltas in
            counts[ingredient].add(deltas, first: firstValue + offset)
        }
    }

    /// The threads' counts added up, one per ingredient.
    func combine(_ partials: [[Counts]]) -> [Counts] {
        guard let totals = partials.first else { return makePartial() }
        for partial in partials.dropFirst() {
            for (total, part) in zip(totals, partial) { total.add(part) }
        }
        return totals
    }
}
