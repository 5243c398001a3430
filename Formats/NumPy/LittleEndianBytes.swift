/// Little-endian integer fields appended to a byte array.
struct LittleEndianBytes {
    /// The bytes so far.
    var bytes: [UInt8] = []

    mutating func u16(_ value: some BinaryInteger) { append(UInt64(value), count: 2) }
    mutating func u32(_ value: some BinaryInteger) { append(UInt64(value), count: 4) }
    mutating func u64(_ value: some BinaryInteger) { append(UInt64(value), count: 8) }

    private mutating func append(_ value: UInt64, count: Int) {
        for index in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }
}
