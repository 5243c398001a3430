import ArgumentParser
import Tureen

/// Runs a command body, turning library errors into one line on stderr and exit code `code`.
@discardableResult
func reportingErrors<Result>(exitCode code: Int32 = 1, _ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        printToStandardError("tureen: error: \(error)")
        throw ExitCode(code)
    }
}

/// Writes `text` and a newline to stderr.
func printToStandardError(_ text: String) {
    StandardError.writeLine(text)
}
