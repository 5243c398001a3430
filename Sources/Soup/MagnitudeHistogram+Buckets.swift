extension MagnitudeHistogram {
    /// Which keys are counted and how: 2^`width` buckets of 2^`shift` consecutive keys from `start`
    /// (a multiple of 2^`shift`), so a bucket holds the keys that share one prefix of 64 − `shift` bits.
    struct Buckets: Equatable {
        let start: UInt64
        let shift: Int
        let width: Int

        /// Every key, by its first 16-bit digit below the sign bit (always clear in a key).
        static let allKeys = Buckets(start: 0, shift: 47, width: 16)

        /// The smallest buckets, `width` bits of them, whose range holds `low...high`.
        static func covering(_ low: UInt64, _ high: UInt64, width: Int) -> Buckets {
            precondition(low <= high && high >> 63 == 0, "not a range of magnitude keys")
            var shift = 0
            while shift + width < 63, (high >> UInt64(shift)) - (low >> UInt64(shift)) >= 1 << UInt64(width) { shift += 1 }
            return Buckets(start: (low >> UInt64(shift)) << UInt64(shift), shift: shift, width: width)
        }

        /// How many keys the range holds (at most 2^63).
        var span: UInt64 { 1 << UInt64(shift + width) }

        /// The bucket holding `key`, which lies in the range.
        func bucket(of key: UInt64) -> Int { Int(truncatingIfNeeded: (key &- start) &>> UInt64(shift)) }

        /// The keys of one bucket, by their next 16 bits (or what is left).
        func refined(by bucket: Int) -> Buckets {
            precondition(shift > 0, "a bucket of one key is not refined")
            let width = min(16, shift)
            return Buckets(start: start + UInt64(bucket) << UInt64(shift), shift: shift - width, width: width)
        }
    }
}
