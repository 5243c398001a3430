/// One pass's histogram of a task vector's magnitude keys under a fixed prefix: for each value of
/// the next digit (up to 16 bits) below the prefix, how many keys have it and the smallest and
/// largest of them, so a bucket that holds a single key is recognised without another pass.
/// Memory is 2¹⁶ buckets of 24 bytes, whatever the tensor's size.
final class MagnitudeHistogram {
    struct Bucket {
        var count = 0
        var smallest = UInt64.max
        var largest: UInt64 = 0
    }

    /// Which keys are counted and which of their bits make the digit.
    struct Digit: Equatable {
        /// The key bits already decided (the rest zero).
        let prefix: UInt64
        /// How many high bits of the key `prefix` decides.
        let prefixBits: Int

        /// The digit's width: the next 16 bits, or what is left of the 64.
        var width: Int { min(16, 64 - prefixBits) }
        var shift: Int { 64 - prefixBits - width }
        var prefixMask: UInt64 { prefixBits == 0 ? 0 : ~0 << UInt64(64 - prefixBits) }

        /// The digit below a chosen bucket.
        func refined(by bucket: Int) -> Digit {
            Digit(prefix: prefix | UInt64(bucket) << UInt64(shift), prefixBits: prefixBits + width)
        }
    }

    let digit: Digit
    let buckets: UnsafeMutableBufferPointer<Bucket>
    private let prefixMask: UInt64
    private let shift: UInt64
    private let digitMask: UInt64

    init(digit: Digit) {
        self.digit = digit
        buckets = .allocate(capacity: 1 << digit.width)
        buckets.initialize(repeating: Bucket())
        prefixMask = digit.prefixMask
        shift = UInt64(digit.shift)
        digitMask = (1 << UInt64(digit.width)) - 1
    }

    deinit { buckets.deallocate() }

    /// Counts the magnitude keys of `deltas` that lie under the prefix.
    func add(_ deltas: UnsafeMutableBufferPointer<Double>) {
        let (prefix, prefixMask, shift, digitMask) = (digit.prefix, prefixMask, shift, digitMask)
        guard let buckets = buckets.baseAddress else { return }
        // Wrapping arithmetic and unchecked shifts: no overflow traps in the hot loop.
        for delta in deltas {
            let key = TrimThreshold.magnitudeKey(delta)
            guard key & prefixMask == prefix else { continue }
            let bucket = buckets + Int(truncatingIfNeeded: (key &>> shift) & digitMask)
            bucket.pointee.count &+= 1
            bucket.pointee.smallest = min(bucket.pointee.smallest, key)
            bucket.pointee.largest = max(bucket.pointee.largest, key)
        }
    }

    /// Adds another thread's counts for the same digit.
    func add(_ other: MagnitudeHistogram) {
        for index in buckets.indices {
            buckets[index].count += other.buckets[index].count
            buckets[index].smallest = min(buckets[index].smallest, other.buckets[index].smallest)
            buckets[index].largest = max(buckets[index].largest, other.buckets[index].largest)
        }
    }
}
