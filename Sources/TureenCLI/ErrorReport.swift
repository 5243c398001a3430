import ArgumentParser
import Tureen

/// One error style and one exit-code policy for every command.
///
/// Everything goes to stderr as `tureen: error: …`. Usage errors (a value that does not parse, a
/// missing argument, a failed validation) add the usage and exit 64 (EX_USAGE), as
/// swift-argument-parser does. Failures exit 1, with a `tureen: hint: …` line when one of the
/// CLI's flags would change the outcome (`ErrorHint`); `check` and `diff` exit 2 when an input
/// cannot be read, as `CommandFailure.unreadableInput`. Help goes to stdout with 0.
enum ErrorReport {
    /// Prints what `error` means for the user and exits with its code.
    static func exit(reporting error: any Error) -> Never {
        if case let CommandFailure.unreadableInput(underlying) = error {
            printFailure(underlying)
            TureenCommand.exit(withError: ExitCode(2))
        }
        let code = TureenCommand.exitCode(for: error)
        if code == .success || error is ExitCode { TureenCommand.exit(withError: error) }
        if code == .validationFailure {
            // swift-argument-parser's own text (the message, the option's help, the usage) under
            // Tureen's prefix instead of its "Error: ".
            let text = TureenCommand.fullMessage(for: error)
            let argumentParserPrefix = "Error: "
            printToStandardError(text.hasPrefix(argumentParserPrefix) ? "tureen: error: " + text.dropFirst(argumentParserPrefix.count) : text)
        } else {
            printFailure(error)
        }
        TureenCommand.exit(withError: code)
    }

    /// `tureen: error: <the library's message>`, then the CLI's hint if it has one.
    private static func printFailure(_ error: any Error) {
        printToStandardError("tureen: error: \(error)")
        if let hint = ErrorHint.hint(for: error) { printToStandardError("tureen: hint: \(hint)") }
    }
}

/// Writes `text` and a newline to stderr.
func printToStandardError(_ text: String) {
    StandardError.writeLine(TerminalText.escaped(text))
}
