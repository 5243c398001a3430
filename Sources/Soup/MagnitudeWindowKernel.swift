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
        var keysAbove = 0
        /// Per bucket, one cache line (`Record`): an update touches one line, which matters as the
        /// buckets outgrow the L1 cache.
        private let records: UnsafeMutablePointer<Record>
        /// Whether each value of a block lies inside the window (1) or not (0), and zeros up to a
        /// multiple of 64.
        private let inside: UnsafeMutableBufferPointer<UInt8>
        /// The keys inside the window among 64 flagged values, and their places in the block.
        private let pendingKeys = UnsafeMutablePointer<UInt64>.allocate(capacity: 64)
        private let pendingIndices = UnsafeMutablePointer<Int>.allocate(capacity: 64)
        /// Each bucket's row of `fineKeys`: its place in `window.fineBuckets`, or the spare last row
        /// (counted into, never read: no branch in the update).
        private let fineRows: UnsafeMutableBufferPointer<UInt8>
        /// The fine buckets' keys per fine region, a row per fine bucket and the spare one.
        private let fineKeys: UnsafeMutableBufferPointer<UInt32>
        /// The window's last key (`MagnitudeWindow.lastKey`).
        private let highestKey: UInt64
        /// A `Float` below the window's first key, and one above its last: a magnitude taken in `Float`
        /// below the first is below the window whatever the rounding of the `Float` difference (its
        /// exact value is below that `Float` too), and one above the second is above it.
        private let floatBelowWindow: Float
        private let floatAboveWindow: Float

        /// One bucket's histogram entry and its keys per region (if counted), padded to 64 bytes.
        private struct Record {
            var bucket = MagnitudeHistogram.Bucket()
            var regionKeys = MagnitudeWindow.RegionCounts(repeating: 0)
            private let padding: UInt64 = 0
        }

        init(window: MagnitudeWindow) {
            self.window = window
            let raw = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<Record>.stride << window.buckets.width, alignment: 64)
            records = raw.bindMemory(to: Record.self, capacity: 1 << window.buckets.width)
            records.initialize(repeating: Record(), count: 1 << window.buckets.width)
            inside = .allocate(capacity: LinearMergeKernel.blockValues + 64)
            inside.initialize(repeating: 0)
            precondition(window.fineBuckets.count < Int(UInt8.max), "more fine buckets than rows")
            fineRows = .allocate(capacity: 1 << window.buckets.width)
            fineRows.initialize(repeating: UInt8(window.fineBuckets.count))
            for (row, bucket) in window.fineBuckets.enumerated() { fineRows[bucket] = UInt8(row) }
            fineKeys = .allocate(capacity: (window.fineBuckets.count + 1) * window.fineRegions.count)
            fineKeys.initialize(repeating: 0)
            highestKey = window.lastKey
            floatBelowWindow = Self.float(below: Double(bitPattern: window.buckets.start))
            floatAboveWindow = Self.float(above: Double(bitPattern: highestKey))
        }

        /// The largest `Float` below `bound` (a magnitude; +∞ when `bound` is NaN, a key above +∞'s,
        /// so that only +∞ and NaN are left to their exact keys).
        static func float(below bound: Double) -> Float {
            guard !bound.isNaN else { return .infinity }
            let nearest = Float(bound)
            return Double(nearest) < bound ? nearest : nearest.nextDown
        }

        /// The smallest `Float` above `bound` (a magnitude; +∞ when there is none, or `bound` is NaN).
        static func float(above bound: Double) -> Float {
            guard !bound.isNaN else { return .infinity }
            let nearest = Float(bound)
            return Double(nearest) > bound ? nearest : nearest.nextUp
        }

        deinit {
            records.deinitialize(count: 1 << window.buckets.width)
            UnsafeMutableRawPointer(records).deallocate()
            inside.deallocate()
            fineRows.deallocate()
            fineKeys.deallocate()
            pendingKeys.deallocate()
            pendingIndices.deallocate()
        }

        /// Counts `deltas` (at most a block), the values from tensor-wide index `first` on.
        func add(_ deltas: UnsafeMutableBufferPointer<Double>, first: Int) {
            // Keys are below 2⁶³, so signed arithmetic, which vectorises, orders them (the sign of
            // high − key says whether a key is above); nothing lies above a window cut at 2⁶³ − 1.
            precondition(deltas.count <= inside.count - 64, "a block longer than its flags")
            let (low, high) = (Int64(bitPattern: window.buckets.start), Int64(bitPattern: highestKey))
            var above = 0
            let flags = inside.baseAddress.unsafelyUnwrapped
            for k in deltas.indices {
                let key = Int64(bitPattern: TrimThreshold.magnitudeKey(deltas[k]))
                above &-= Int((high &- key) >> 63)
                flags[k] = (key >= low ? 1 : 0) & (key <= high ? 1 : 0)
            }
            keysAbove &+= above
            countFlagged(deltas.count, first: first) { TrimThreshold.magnitudeKey(deltas[$0]) }
        }

        /// Counts the task vector `values − base` (at most a block), the values from tensor-wide index
        /// `first` on: each difference is taken in `Float` first, which places every value but those
        /// near the window (whatever its rounding); those take the exact Float64 difference.
        func add(values: UnsafeBufferPointer<Float>, base: UnsafeBufferPointer<Float>, first: Int) {
            let (lower, upper) = (floatBelowWindow, floatAboveWindow)
            precondition(values.count <= inside.count - 64, "a block longer than its flags")
            // A 32-bit count (a block is far shorter than 2³²) keeps the vector lanes as narrow as the
            // Floats': a 64-bit one widens each comparison's mask into two vectors.
            var above: UInt32 = 0
            let flags = inside.baseAddress.unsafelyUnwrapped
            for k in values.indices {
                let magnitude = (values[k] - base[k]).magnitude
                above &+= magnitude > upper ? 1 : 0
                // NaN is neither below nor above: its exact key decides.
                flags[k] = magnitude < lower || magnitude > upper ? 0 : 1
            }
            keysAbove &+= Int(above)
            countFlagged(values.count, first: first) { TrimThreshold.magnitudeKey(Double(values[$0]) - Double(base[$0])) }
        }

        /// Counts the values of a block whose `inside` flag is set, from their exact keys (`key(k)` of
        /// the block's k-th value): those above the window as above, those inside in their buckets.
        /// (The Float64 path flags only values inside; the Float path also flags values near the
        /// window on either side, which the exact key places.)
        @inline(__always)
        private func countFlagged(_ count: Int, first: Int, key: (Int) -> UInt64) {
            let flags = inside.baseAddress.unsafelyUnwrapped
            for k in count..<((count + 63) & ~63) { flags[k] = 0 }
            let (start, shift, high) = (window.buckets.start, UInt64(window.buckets.shift), highestKey)
            let (regions, fineRegions, countsTies) = (window.tieRegions, window.fineRegions, window.countsTies)
            let fineRegionCount = fineRegions.count
            // Sixty-four flags at a time, packed into the bits of a word (one branch per word rather
            // than per eight flags: the branches on a few per cent of values mispredict often).
            for word in stride(from: 0, to: count, by: 64) {
                let eights = InlineArray<8, UInt64> { UnsafeRawPointer(flags + (word &+ 8 &* $0)).loadUnaligned(as: UInt64.self) }
                // About half the words hold no flag when a window holds 1 % of the values: they skip
                // the packing (fewer samples in `perf`, though the branch mispredicts often).
                var any: UInt64 = 0
                for byte in 0..<8 { any |= eights[byte] }
                guard any != 0 else { continue }
                var bits: UInt64 = 0
                for byte in 0..<8 {
                    // Eight flags of 0 or 1, one per byte: the multiplication gathers them in the top byte.
                    bits |= ((eights[byte] &* 0x0102_0408_1020_4080) &>> 56) &<< UInt64(8 &* byte)
                }
                // The keys inside first, with no branch per value; then their updates, which touch
                // unrelated cache lines and so overlap their misses.
                var pendingCount = 0
                var above = 0
                while bits != 0 {
                    let k = word &+ bits.trailingZeroBitCount
                    bits &= bits &- 1
                    let key = key(k)
                    let isAbove = key > high
                    above &+= isAbove ? 1 : 0
                    pendingKeys[pendingCount] = key
                    pendingIndices[pendingCount] = k
                    pendingCount &+= !isAbove && key >= start ? 1 : 0
                }
                keysAbove &+= above
                for pending in 0..<pendingCount {
                    let (key, k) = (pendingKeys[pending], pendingIndices[pending])
                    let bucket = Int(truncatingIfNeeded: (key &- start) &>> shift)
                    let record = records + bucket
                    record.pointee.bucket.count(key)
                    if countsTies {
                        record.pointee.regionKeys[unchecked: regions.region(of: first &+ k)] &+= 1
                        fineKeys[Int(fineRows[bucket]) &* fineRegionCount &+ fineRegions.region(of: first &+ k)] &+= 1
                    }
                }
            }
        }

        /// Adds another thread's counts for the same window.
        func add(_ other: Counts) {
            keysAbove += other.keysAbove
            for index in 0..<(1 << window.buckets.width) {
                let (record, part) = (records + index, other.records[index])
                record.pointee.bucket.add(part.bucket)
                for region in 0..<MagnitudeWindow.regionLimit { record.pointee.regionKeys[region] &+= part.regionKeys[region] }
            }
            for index in fineKeys.indices { fineKeys[index] &+= other.fineKeys[index] }
        }

        /// The window's histogram.
        var histogram: MagnitudeHistogram {
            let histogram = MagnitudeHistogram(range: window.buckets)
            for index in histogram.buckets.indices { histogram.buckets[index] = records[index].bucket }
            return histogram
        }

        /// The keys of `bucket` in each region: the fine regions' if it was counted in them.
        func regionTies(of bucket: Int) -> TrimSelection.RegionTies {
            let row = Int(fineRows[bucket])
            guard row < window.fineBuckets.count else {
                return (window.tieRegions, (0..<window.tieRegions.count).map { Int(records[bucket].regionKeys[$0]) })
            }
            let count = window.fineRegions.count
            return (window.fineRegions, fineKeys[(row * count)..<((row + 1) * count)].map(Int.init))
        }
    }

    var scratchValues: Int { TaskVectorBlocks.scratchValues }

    /// One set of counts per ingredient (a thread's own: `StatisticsPass` makes one partial per thread).
    func makePartial() -> [Counts] { windows.map(Counts.init) }

    func accumulate(_ inputs: [UnsafeRawBufferPointer], firstValue: Int, scratch: UnsafeMutableBufferPointer<Double>, into partial: inout [Counts]) {
        let counts = partial
        if let blocks = FloatTaskVectorBlocks(inputTypes: sourceTypes) {
            blocks.forEachBlock(of: inputs, scratch: scratch) { ingredient, offset, values, base in
                counts[ingredient].add(values: values, base: base, first: firstValue + offset)
            }
            return
        }
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
