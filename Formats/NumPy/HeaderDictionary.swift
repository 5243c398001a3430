/// The `.npy` header dictionary, parsed strictly without evaluating anything: a Python dict
/// literal with exactly the keys `descr` (a string), `fortran_order` (`True`/`False`) and `shape`
/// (a tuple of non-negative integers), followed only by spaces, newlines and `#` comments.
struct HeaderDictionary: Equatable {
    /// The dtype descriptor, e.g. `<f4`.
    var descr: String
    /// Whether the data is in Fortran (column-major) order.
    var fortranOrder: Bool
    /// The dimensions.
    var shape: [Int]
    /// The text of the comments after the dictionary, without their `#`, trimmed.
    var comments: [String]

    /// Parses `text` (the header's characters after the length field).
    ///
    /// - Throws: a message saying what was expected where; the caller wraps it in `NumPyError.badHeader`.
    static func parse(_ text: [UInt8]) throws(HeaderSyntaxError) -> HeaderDictionary {
        var scanner = Scanner(bytes: text)
        var descr: String?, fortranOrder: Bool?, shape: [Int]?
        scanner.skipSpace()
        try scanner.expect(UInt8(ascii: "{"))
        scanner.skipSpace()
        while !scanner.consume(UInt8(ascii: "}")) {
            let key = try scanner.string()
            scanner.skipSpace()
            try scanner.expect(UInt8(ascii: ":"))
            scanner.skipSpace()
            switch key {
            case "descr":
                guard descr == nil else { throw HeaderSyntaxError("the key 'descr' appears twice") }
                if scanner.peek == UInt8(ascii: "[") {
                    throw HeaderSyntaxError("structured dtypes (a list 'descr') are not supported")
                }
                descr = try scanner.string()
            case "fortran_order":
                guard fortranOrder == nil else { throw HeaderSyntaxError("the key 'fortran_order' appears twice") }
                fortranOrder = try scanner.boolean()
            case "shape":
                guard shape == nil else { throw HeaderSyntaxError("the key 'shape' appears twice") }
                shape = try scanner.integerTuple()
            default:
                throw HeaderSyntaxError("unexpected key '\(key)' (expected exactly descr, fortran_order and shape)")
            }
            scanner.skipSpace()
            if scanner.consume(UInt8(ascii: ",")) {
                scanner.skipSpace()
            } else {
                scanner.skipSpace()
                try scanner.expect(UInt8(ascii: "}"))
                break
            }
        }
        let comments = try scanner.trailingComments()
        guard let descr, let fortranOrder, let shape else {
            let missing = [("descr", descr == nil), ("fortran_order", fortranOrder == nil), ("shape", shape == nil)]
                .filter(\.1).map(\.0)
            throw HeaderSyntaxError("missing key\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", "))")
        }
        return HeaderDictionary(descr: descr, fortranOrder: fortranOrder, shape: shape, comments: comments)
    }
}

/// What is wrong with the text of a `.npy` header.
struct HeaderSyntaxError: Error, Equatable {
    /// A sentence fragment saying what was expected.
    let message: String

    init(_ message: String) {
        self.message = message
    }
}

/// A cursor over the header's bytes with the few Python literal forms the header uses.
private struct Scanner {
    let bytes: [UInt8]
    var position = 0

    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipSpace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
            position += 1
        }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        position += 1
        return true
    }

    mutating func expect(_ byte: UInt8) throws(HeaderSyntaxError) {
        guard consume(byte) else { throw unexpected(expecting: "'\(Character(Unicode.Scalar(byte)))'") }
    }

    func unexpected(expecting what: String) -> HeaderSyntaxError {
        guard let byte = peek else { return HeaderSyntaxError("expected \(what) at character \(position) but the header ended") }
        let shown = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
        return HeaderSyntaxError("expected \(what) at character \(position) but found \(shown)")
    }

    /// A quoted string without escapes, in single or double quotes.
    mutating func string() throws(HeaderSyntaxError) -> String {
        guard let quote = peek, quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
            throw unexpected(expecting: "a quoted string")
        }
        position += 1
        let start = position
        while let byte = peek, byte != quote {
            guard byte != UInt8(ascii: "\\"), byte != 0x0A else {
                throw HeaderSyntaxError("string at character \(start) holds an escape or a line break")
            }
            position += 1
        }
        guard peek == quote else { throw HeaderSyntaxError("string at character \(start) is not closed") }
        position += 1
        return String(decoding: bytes[start..<(position - 1)], as: UTF8.self)
    }

    mutating func boolean() throws(HeaderSyntaxError) -> Bool {
        if consumeWord("True") { return true }
        if consumeWord("False") { return false }
        throw unexpected(expecting: "True or False")
    }

    private mutating func consumeWord(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        guard position + utf8.count <= bytes.count, Array(bytes[position..<(position + utf8.count)]) == utf8 else { return false }
        let after = position + utf8.count
        if after < bytes.count, Scanner.isIdentifierByte(bytes[after]) { return false }
        position = after
        return true
    }

    /// `()`, `(n,)` or `(n, m, ...)` with an optional trailing comma; `(n)` is an integer in Python, not a tuple.
    mutating func integerTuple() throws(HeaderSyntaxError) -> [Int] {
        try expect(UInt8(ascii: "("))
        var values: [Int] = []
        var sawComma = false
        skipSpace()
        while !consume(UInt8(ascii: ")")) {
            values.append(try integer())
            skipSpace()
            if consume(UInt8(ascii: ",")) {
                sawComma = true
                skipSpace()
            } else {
                try expect(UInt8(ascii: ")"))
                break
            }
        }
        if values.count == 1 && !sawComma {
            throw HeaderSyntaxError("shape (\(values[0])) is an integer, not a tuple; a one-dimensional shape is written (\(values[0]),)")
        }
        return values
    }

    /// A decimal integer (a Python 2 `L` suffix is accepted); negative values and overflow are refused.
    mutating func integer() throws(HeaderSyntaxError) -> Int {
        let start = position
        if consume(UInt8(ascii: "-")) {
            throw HeaderSyntaxError("shape has a negative dimension at character \(start)")
        }
        var value = 0
        var digits = 0
        while let byte = peek, byte >= 0x30, byte <= 0x39 {
            let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = times.addingReportingOverflow(Int(byte - 0x30))
            guard !overflowA, !overflowB else { throw HeaderSyntaxError("dimension at character \(start) does not fit in 64 bits") }
            value = next
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw unexpected(expecting: "a dimension") }
        _ = consume(UInt8(ascii: "L"))
        if let byte = peek, Scanner.isIdentifierByte(byte) { throw unexpected(expecting: "',' or ')' after a dimension") }
        return value
    }

    /// After the dictionary: only whitespace and `#` comments, whose texts are returned.
    mutating func trailingComments() throws(HeaderSyntaxError) -> [String] {
        var comments: [String] = []
        while true {
            skipSpace()
            guard let byte = peek else { return comments }
            guard byte == UInt8(ascii: "#") else { throw unexpected(expecting: "only spaces or a comment after the dictionary") }
            position += 1
            let start = position
            while let byte = peek, byte != 0x0A, byte != 0x0D { position += 1 }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            comments.append(text.trimmingSpaces())
        }
    }

    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
