/// One pass's histogram of a task vector's magnitude keys under a fixed prefix: for each value of
/// the next digit (up to 16 bits) below the prefix, how many keys have it and the bits common to
/// all of them and set in any, so a bucket that holds a single key is recognised without another
/// pass (one AND and one OR per key, cheaper than a running minimum and maximum).
/// Memory is 2¹⁶ buckets of 24 bytes, whatever the tensor's size.
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
            bucket.pointee.commonBits &= key
            bucket.pointee.anyBits |= key
        }
    }

    /// Adds another thread's counts for the same digit.
    func add(_ other: MagnitudeHistogram) {
        for index in buckets.indices {
            buckets[index].count += other.buckets[index].count
            buckets[index].commonBits &= other.buckets[index].commonBits
            buckets[index].anyBits |= other.buckets[index].anyBits
        }
    }
}
