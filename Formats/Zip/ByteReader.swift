/// Bounds-checked little-endian reads from a byte view; every read past the end throws.
package struct ByteReader {
    /// The bytes being read.
    package let bytes: UnsafeRawBufferPointer
    /// Called with each range before it is read, for a view filled on demand
    /// (`MappedFile.withBytesLoadedOnDemand`); nil when every byte is there.
    package var load: ((Range<Int>) throws -> Void)?

    /// A reader of `bytes`, calling `load` (if given) with each range before reading it.
    package init(bytes: UnsafeRawBufferPointer, load: ((Range<Int>) throws -> Void)? = nil) {
        self.bytes = bytes
        self.load = load
    }

    /// Thrown when a read would leave the view.
    package struct OutOfBounds: Error {
        package let offset: Int
        package let count: Int
    }

    package func u16(_ offset: Int) throws -> UInt16 { UInt16(truncatingIfNeeded: try unsigned(offset, count: 2)) }
    package func u32(_ offset: Int) throws -> UInt32 { UInt32(truncatingIfNeeded: try unsigned(offset, count: 4)) }
    package func u64(_ offset: Int) throws -> UInt64 { try unsigned(offset, count: 8) }

    /// `count` bytes at `offset`.
    package func slice(_ offset: Int, count: Int) throws -> UnsafeRawBufferPointer {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else {
            throw OutOfBounds(offset: offset, count: count)
        }
        try load?(offset..<(offset + count))
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    private func unsigned(_ offset: Int, count: Int) throws -> UInt64 {
        let view = try slice(offset, count: count)
        var value: UInt64 = 0
        for index in (0..<count).reversed() { value = value << 8 | UInt64(view[index]) }
        return value
    }
}
