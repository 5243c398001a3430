/// Why an evaluator command gave no usable result. Each case shows the command as run and the
/// tail of what it wrote to stderr.
public enum EvaluatorError: Error, CustomStringConvertible, Equatable {
    /// The program could not be started (not found, not executable).
    case cannotStart(command: String, reason: String)
    /// It exited with a non-zero status.
    case failed(command: String, status: Int32, standardError: String)
    /// A signal ended it.
    case killed(command: String, signal: Int32, standardError: String)
    /// It ran past the time limit (in seconds) and was ended.
    case timedOut(command: String, seconds: Double, standardError: String)
    /// Its last non-empty line of stdout is not a number nor a JSON object with the number under
    /// `key` (nil: it printed nothing).
    case noValue(command: String, key: String, lastLine: String?, standardError: String)
    /// The value it printed is NaN or infinite.
    case nonFinite(command: String, key: String, value: Double, standardError: String)

    public var description: String {
        switch self {
        case let .cannotStart(command, reason):
            return "cannot start `\(command)`: \(reason)"
        case let .failed(command, status, standardError):
            return "`\(command)` exited with status \(status)" + Self.tail(standardError)
        case let .killed(command, signal, standardError):
            return "`\(command)` was ended by signal \(signal)" + Self.tail(standardError)
        case let .timedOut(command, seconds, standardError):
            return "`\(command)` was still running after \(Self.seconds(seconds)) and was ended" + Self.tail(standardError)
        case let .noValue(command, key, lastLine, standardError):
            let printed = lastLine.map { "its last line of output was '\(Self.shortened($0))'" } ?? "it printed nothing on stdout"
            return "`\(command)` gave no \(key): \(printed); the last line must be a number or a JSON object with \"\(key)\"" + Self.tail(standardError)
        case let .nonFinite(command, key, value, standardError):
            return "`\(command)` gave \(value) as its \(key); it must be a finite number" + Self.tail(standardError)
        }
    }

    /// The lines shown of a command's stderr.
    static let shownLines = 12

    private static func tail(_ standardError: String) -> String {
        let lines = standardError.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let trimmed = Array(lines.reversed().drop(while: { $0.allSatisfy(\.isWhitespace) }).reversed())
        guard !trimmed.isEmpty else { return "; it wrote nothing to stderr" }
        let shown = trimmed.suffix(shownLines).map { "\n  | " + shortened($0) }.joined()
        return "; the end of its stderr:" + shown
    }

    private static func shortened(_ line: String) -> String {
        line.count > 300 ? String(line.prefix(300)) + "…" : line
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
