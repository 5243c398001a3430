/// A strict JSON parser over bytes (RFC 8259): UTF-8 only, no trailing commas, no comments,
/// nesting limited so hostile input cannot exhaust the stack. It is a pure function of its input,
/// so a fuzzer can drive it directly.
package struct JSONParser {
    /// Why parsing stopped.
    package struct Failure: Error, CustomStringConvertible {
        /// The byte offset where the problem was found.
        package let offset: Int
        /// What was expected there.
        package let reason: String
        package var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    private var depth = 0
    /// Every object member at any depth whose value is a string, with the byte range of the value
    /// (quotes included); nil unless asked for.
    private var stringMembers: [StringMember]?

    /// A member whose value is a string, and where the value lies in the text.
    package struct StringMember {
        package let key: String
        package let value: String
        package let range: Range<Int>
    }
    private static let maximumDepth = 128

    /// Parses one JSON value spanning all of `bytes` (surrounding whitespace allowed).
    ///
    /// - Throws: `JSONParser.Failure` with the offset and what was expected.
    package static func parse(_ bytes: UnsafeRawBufferPointer) throws -> JSONValue {
        try parseWhole(bytes, recordingStringMembers: false).value
    }

    /// Parses one JSON object spanning all of `bytes`, handing each member to `body` as soon as it
    /// is parsed instead of building the whole tree, so a huge object costs the memory of one member.
    ///
    /// - Throws: `JSONParser.Failure` if `bytes` is not one object, or what `body` throws.
    package static func parseObject(_ bytes: UnsafeRawBufferPointer, eachMember body: (String, JSONValue) throws -> Void) throws {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        guard parser.current == UInt8(ascii: "{") else { throw parser.failure("expected an object") }
        parser.depth = 1
        try parser.parseMembers(body)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.failure("unexpected data after the value") }
    }

    /// Parses one JSON value from `bytes`.
    package static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBytes { try parse($0) }
    }

    /// The members of every object in `bytes`, at any depth, whose values are strings, with the
    /// byte range of each value, so that a caller can rewrite one value in place and keep every
    /// other byte of the text.
    ///
    /// - Throws: `JSONParser.Failure` with the offset and what was expected.
    package static func stringMembers(of bytes: [UInt8]) throws -> [StringMember] {
        try bytes.withUnsafeBytes { try parseWhole($0, recordingStringMembers: true).stringMembers }
    }

    private static func parseWhole(_ bytes: UnsafeRawBufferPointer, recordingStringMembers: Bool) throws -> (value: JSONValue, stringMembers: [StringMember]) {
        var parser = JSONParser(bytes: bytes)
        parser.stringMembers = recordingStringMembers ? [] : nil
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.failure("unexpected data after the value") }
        return (value, parser.stringMembers ?? [])
    }

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private func failure(_ reason: String) -> Failure { Failure(offset: position, reason: reason) }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func parseValue() throws -> JSONValue {
        guard let byte = current else { throw failure("expected a value, found the end") }
        switch byte {
        case UInt8(ascii: "{"): return try nested { try $0.parseObject() }
        case UInt8(ascii: "["): return try nested { try $0.parseArray() }
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected character '\(Character(Unicode.Scalar(byte)))'")
        }
    }

    private mutating func nested(_ body: (inout JSONParser) throws -> JSONValue) throws -> JSONValue {
        depth += 1
        defer { depth -= 1 }
        guard depth <= JSONParser.maximumDepth else { throw failure("nesting deeper than \(JSONParser.maximumDepth)") }
        return try body(&self)
    }

    private mutating func parseObject() throws -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        try parseMembers { members.append(($0, $1)) }
        return .object(members)
    }

    /// Parses an object from its `{` through its `}`, handing each member to `body`.
    private mutating func parseMembers(_ body: (String, JSONValue) throws -> Void) throws {
        position += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes") }
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw failure("expected ':' after member name") }
            position += 1
            skipWhitespace()
            let valueStart = position
            let value = try parseValue()
            if stringMembers != nil, case let .string(text) = value {
                stringMembers?.append(StringMember(key: key, value: text, range: valueStart..<position))
            }
            try body(key, value)
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard current == UInt8(ascii: "}") else { throw failure("expected ',' or '}' in an object") }
            position += 1
            return
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard current == UInt8(ascii: "]") else { throw failure("expected ',' or ']' in an array") }
            position += 1
            return .array(elements)
        }
    }

    private mutating func expectLiteral(_ literal: String) throws {
        for expected in literal.utf8 {
            guard current == expected else { throw failure("expected '\(literal)'") }
            position += 1
        }
    }

    private mutating func parseNumber() throws -> String {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, isDigit(first) else { throw failure("expected a digit") }
        position += 1
        if first != UInt8(ascii: "0") { while let byte = current, isDigit(byte) { position += 1 } }
        if current == UInt8(ascii: ".") {
            position += 1
            guard let byte = current, isDigit(byte) else { throw failure("expected a digit after '.'") }
            while let byte = current, isDigit(byte) { position += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard let byte = current, isDigit(byte) else { throw failure("expected a digit in the exponent") }
            while let byte = current, isDigit(byte) { position += 1 }
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private mutating func parseString() throws -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        var runStart = position
        func flushRun(_ parser: JSONParser, upTo end: Int) throws {
            guard end > runStart else { return }
            let run = UnsafeRawBufferPointer(rebasing: parser.bytes[runStart..<end])
            guard let text = String(validating: run, as: UTF8.self) else {
                throw Failure(offset: runStart, reason: "a string is not valid UTF-8")
            }
            scalars.append(contentsOf: text.unicodeScalars)
        }
        while true {
            guard let byte = current else { throw failure("unterminated string") }
            if byte == UInt8(ascii: "\"") {
                try flushRun(self, upTo: position)
                position += 1
                return String(scalars)
            }
            if byte < 0x20 { throw failure("control character in a string") }
            if byte == UInt8(ascii: "\\") {
                try flushRun(self, upTo: position)
                position += 1
                scalars.append(try parseEscape())
                runStart = position
                continue
            }
            position += 1
        }
    }

    private mutating func parseEscape() throws -> Unicode.Scalar {
        guard let byte = current else { throw failure("unterminated escape") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try parseHexQuad()
            if (0xD800..<0xDC00).contains(first) {
                guard current == UInt8(ascii: "\\") else { throw failure("unpaired surrogate") }
                position += 1
                guard current == UInt8(ascii: "u") else { throw failure("unpaired surrogate") }
                position += 1
                let second = try parseHexQuad()
                guard (0xDC00..<0xE000).contains(second) else { throw failure("unpaired surrogate") }
                return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(first) else { throw failure("unpaired surrogate") }
            return scalar
        default:
            throw failure("unknown escape '\\\(Character(Unicode.Scalar(byte)))'")
        }
    }

    private mutating func parseHexQuad() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = hexValue(byte) else { throw failure("expected four hex digits") }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: return UInt32(byte - 0x30)
        case 0x41...0x46: return UInt32(byte - 0x41 + 10)
        case 0x61...0x66: return UInt32(byte - 0x61 + 10)
        default: return nil
        }
    }
}
