/// Little-endian integer fields appended to a byte array.
package struct LittleEndianBytes {
    /// The bytes so far.
    package var bytes: [UInt8] = []

    /// No bytes yet.
    package init() {}

    package mutating func u16(_ value: some BinaryInteger) { append(UInt64(value), count: 2) }
    package mutating func u32(_ value: some BinaryInteger) { append(UInt64(value), count: 4) }
    package mutating func u64(_ value: some BinaryInteger) { append(UInt64(value), count: 8) }

    private mutating func append(_ value: UInt64, count: Int) {
        for index in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }
}
