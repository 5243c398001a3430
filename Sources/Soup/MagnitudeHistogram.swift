/// One pass's histogram of a task vector's magnitude keys in a range of aligned buckets (under a
/// fixed prefix, by the next digit of up to 16 bits; or a window around a sampled threshold): for
/// each bucket, how many keys fall in it and the bits common to all of them and set in any, so a
/// bucket that holds a single key is recognised without another pass (one AND and one OR per key,
/// cheaper than a running minimum and maximum).
/// Memory is at most 2¹⁶ buckets of 24 bytes, whatever the tensor's size.
final class MagnitudeHistogram {
    struct Bucket {
        var count = 0
        /// The bits set in every key counted (all ones before the first): a value at or below each of
        /// them, and at or above the bucket's range, so keys from it up are this bucket's and those above.
        var commonBits = UInt64.max
        /// The bits set in some key counted.
        var anyBits: UInt64 = 0

        /// Whether the keys counted are all one key (`commonBits`).
        var holdsOneKey: Bool { count > 0 && commonBits == anyBits }

        /// Counts `key`, which lies in this bucket.
        @inline(__always)
        mutating func count(_ key: UInt64) {
            count &+= 1
            commonBits &= key
            anyBits |= key
        }

        /// Adds another thread's counts for the same bucket.
        mutating func add(_ other: Bucket) {
            count += other.count
            commonBits &= other.commonBits
            anyBits |= other.anyBits
        }
    }

    let range: Buckets
    let buckets: UnsafeMutableBufferPointer<Bucket>

    init(range: Buckets) {
        self.range = range
        buckets = .allocate(capacity: 1 << range.width)
        buckets.initialize(repeating: Bucket())
    }

    deinit { buckets.deallocate() }

    /// Counts the magnitude keys of `deltas` that lie in the range.
    func add(_ deltas: UnsafeMutableBufferPointer<Double>) {
        let (start, span, shift) = (range.start, range.span, UInt64(range.shift))
        // Wrapping arithmetic and unchecked shifts: no overflow traps in the hot loop.
        for delta in deltas {
            let key = TrimThreshold.magnitudeKey(delta)
            let offset = key &- start
            guard offset < span else { continue }
            count(key, in: Int(truncatingIfNeeded: offset &>> shift))
        }
    }

    /// Counts `key`, which lies in bucket `index`.
    @inline(__always)
    func count(_ key: UInt64, in index: Int) {
        (buckets.baseAddress.unsafelyUnwrapped + index).pointee.count(key)
    }

    /// Adds another thread's counts for the same buckets.
    func add(_ other: MagnitudeHistogram) {
        for index in buckets.indices { buckets[index].add(other.buckets[index]) }
    }
}
