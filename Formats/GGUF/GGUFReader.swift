/// Bounds-checked little-endian reads of a GGUF header; running past the end is a truncated file.
struct GGUFReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0
    let path: String
    /// Called with each range before it is read, for a view filled on demand; nil when every byte is there.
    let load: ((Range<Int>) throws -> Void)?

    init(bytes: UnsafeRawBufferPointer, path: String, load: ((Range<Int>) throws -> Void)? = nil) {
        self.bytes = bytes
        self.path = path
        self.load = load
    }

    mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else {
            throw GGUFError.badHeader(path: path, offset: position, detail: "it needs \(count) more bytes but the file ends; truncated")
        }
        try load?(position..<(position + count))
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    mutating func u32() throws -> UInt32 { UInt32(truncatingIfNeeded: try littleEndian(4)) }
    mutating func u64() throws -> UInt64 { try littleEndian(8) }

    /// A u64 count; each counted item takes at least one byte, so a count past the file's size is a lie.
    mutating func count(_ what: String) throws -> Int {
        let offset = position
        let value = try u64()
        guard value <= UInt64(bytes.count) else {
            throw GGUFError.badHeader(path: path, offset: offset, detail: "\(what) \(value) exceeds the file's \(bytes.count) bytes")
        }
        return Int(value)
    }

    /// A u64-length UTF-8 string.
    mutating func string() throws -> String {
        let offset = position
        let length = try count("string length")
        guard let text = String(validating: try take(length), as: UTF8.self) else {
            throw GGUFError.badHeader(path: path, offset: offset, detail: "a string is not valid UTF-8")
        }
        return text
    }

    /// Reads a value of GGUF type `type` and describes it (arrays by their length and element type).
    mutating func value(type: UInt32, key: String, depth: Int) throws -> String {
        switch type {
        case 0: return String(try take(1)[0])
        case 1: return String(Int8(bitPattern: try take(1)[0]))
        case 2: return String(UInt16(truncatingIfNeeded: try littleEndian(2)))
        case 3: return String(Int16(truncatingIfNeeded: try littleEndian(2)))
        case 4: return String(try u32())
        case 5: return String(Int32(bitPattern: try u32()))
        case 6: return String(Float(bitPattern: try u32()))
        case 7: return try take(1)[0] != 0 ? "true" : "false"
        case 8:
            let text = try string()
            return text.count <= 60 ? "'\(text)'" : "a string of \(text.count) characters"
        case 9:
            guard depth < GGUFHeader.maximumArrayDepth else {
                throw GGUFError.badKey(path: path, key: key, detail: "arrays nest more than \(GGUFHeader.maximumArrayDepth) deep")
            }
            let elementType = try u32()
            let length = try count("array length")
            var first: [String] = []
            for index in 0..<length {
                let element = try value(type: elementType, key: key, depth: depth + 1)
                if index < 4 { first.append(element) }
            }
            return length <= 4 ? "[" + first.joined(separator: ", ") + "]" : "an array of \(length) (\(first.joined(separator: ", ")), …)"
        case 10: return String(try u64())
        case 11: return String(Int64(bitPattern: try u64()))
        case 12: return String(Double(bitPattern: try u64()))
        default: throw GGUFError.badKey(path: path, key: key, detail: "unknown value type \(type)")
        }
    }

    private mutating func littleEndian(_ count: Int) throws -> UInt64 {
        try take(count).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
