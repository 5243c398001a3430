/// Bounds-checked reads of pickle arguments; running past the end is a truncated pickle.
struct PickleReader {
    let bytes: UnsafeRawBufferPointer
    var position: Int
    let path: String
    /// Called with each range before it is read, for a view filled on demand
    /// (`MappedFile.withBytesLoadedOnDemand`); nil when every byte is there.
    var load: ((Range<Int>) throws -> Void)?

    mutating func bytes(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else {
            throw PyTorchError.badPickle(path: path, offset: position, detail: "it needs \(count) more bytes but the stream ends; truncated")
        }
        try load?(position..<(position + count))
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    mutating func byte() throws -> UInt8 { try bytes(1)[0] }

    mutating func u16() throws -> UInt16 { UInt16(truncatingIfNeeded: try littleEndian(2)) }

    mutating func u32() throws -> UInt32 { UInt32(truncatingIfNeeded: try littleEndian(4)) }

    mutating func u64BigEndian() throws -> UInt64 {
        try bytes(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A newline-terminated ASCII line (GLOBAL's module and name), at most 256 bytes.
    mutating func line() throws -> String {
        let start = position
        let end = min(bytes.count, position + 257)
        try load?(start..<end)
        guard let newline = bytes[start..<end].firstIndex(of: 0x0A) else {
            throw PyTorchError.badPickle(path: path, offset: start, detail: "a GLOBAL name is not newline-terminated within 256 bytes")
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<newline]), as: UTF8.self)
        position = newline + 1
        return text
    }

    mutating func utf8(_ count: Int) throws -> String {
        let offset = position
        guard let text = String(validating: try bytes(count), as: UTF8.self) else {
            throw PyTorchError.badPickle(path: path, offset: offset, detail: "a string is not valid UTF-8")
        }
        return text
    }

    private mutating func littleEndian(_ count: Int) throws -> UInt64 {
        try bytes(count).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
