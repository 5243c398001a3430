/// A command line with placeholders such as `{path}`, as the user wrote it: `python3 eval.py {path}`.
///
/// Without a shell, the text is split into words as a POSIX shell would split it (blanks separate
/// words; single quotes keep everything; double quotes keep everything but `\"`, `\\`, `\$` and
/// `` \` ``; a backslash outside quotes keeps the next character), and each placeholder is then
/// replaced inside the words, so a path with spaces stays one argument and nothing in it is
/// interpreted. With a shell, `/bin/sh -c` runs the text with each placeholder replaced by its
/// value in single quotes.
public struct CommandTemplate: Sendable, Equatable, CustomStringConvertible {
    /// Why a template cannot be used.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        /// The template lacks a placeholder it needs.
        case missingPlaceholder(template: String, placeholder: String)
        /// A quote is not closed, or the text ends in a lone backslash.
        case unbalancedQuotes(template: String)
        /// There is no command at all.
        case empty

        public var description: String {
            switch self {
            case let .missingPlaceholder(template, placeholder):
                let file = placeholder == "{grad}" ? "the gradient file" : "the candidate file"
                return "the command '\(template)' has no \(placeholder); it must say where \(file) goes"
            case let .unbalancedQuotes(template):
                return "the command '\(template)' has an unclosed quote or a trailing backslash"
            case .empty:
                return "the command is empty"
            }
        }
    }

    /// The text as written.
    public let text: String
    /// Whether `/bin/sh -c` runs it.
    public let usesShell: Bool
    private let words: [String]

    /// Checks `text`: it must hold every one of `placeholders` and, unless a shell runs it, split
    /// into words.
    ///
    /// - Throws: `Problem`.
    public init(_ text: String, usesShell: Bool = false, placeholders: [String]) throws {
        guard !text.allSatisfy(\.isWhitespace) else { throw Problem.empty }
        for placeholder in placeholders where !text.contains(placeholder) {
            throw Problem.missingPlaceholder(template: text, placeholder: placeholder)
        }
        self.text = text
        self.usesShell = usesShell
        if usesShell {
            words = []
        } else {
            guard let words = Self.split(text) else { throw Problem.unbalancedQuotes(template: text) }
            self.words = words
        }
    }

    /// The program and its arguments, with each placeholder replaced by its value.
    public func arguments(_ values: [String: String]) -> [String] {
        if usesShell {
            var script = text
            for (placeholder, value) in values { script = script.replacing(placeholder, with: Self.shellQuoted(value)) }
            return ["/bin/sh", "-c", script]
        }
        return words.map { word in
            var result = word
            for (placeholder, value) in values { result = result.replacing(placeholder, with: value) }
            return result
        }
    }

    public var description: String { usesShell ? "sh -c '\(text)'" : text }

    /// `value` in single quotes, for a shell.
    static func shellQuoted(_ value: String) -> String {
        "'" + value.replacing("'", with: "'\\''") + "'"
    }

    /// Splits `text` into words as a POSIX shell does (without expansions); nil if a quote is
    /// left open or the text ends in a backslash.
    static func split(_ text: String) -> [String]? {
        var words: [String] = []
        var word = ""
        var inWord = false
        var characters = text.makeIterator()
        while let character = characters.next() {
            switch character {
            case " ", "\t", "\n":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "'":
                inWord = true
                while true {
                    guard let next = characters.next() else { return nil }
                    if next == "'" { break }
                    word.append(next)
                }
            case "\"":
                inWord = true
                while true {
                    guard let next = characters.next() else { return nil }
                    if next == "\"" { break }
                    if next == "\\" {
                        guard let escaped = characters.next() else { return nil }
                        if !"\"\\$`".contains(escaped) { word.append("\\") }
                        word.append(escaped)
                    } else {
                        word.append(next)
                    }
                }
            case "\\":
                guard let escaped = characters.next() else { return nil }
                inWord = true
                if escaped != "\n" { word.append(escaped) }
            default:
                inWord = true
                word.append(character)
            }
        }
        if inWord { words.append(word) }
        return words
    }
}
