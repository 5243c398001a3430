/// Failures the CLI classifies itself, to give them their own exit code.
enum CommandFailure: Error {
    /// An input of `check` or `diff` cannot be read: exit 2, which those commands keep apart from
    /// 1 (the inputs do not share an architecture).
    case unreadableInput(any Error)

    /// Runs `body`, which reads the inputs of `check` or `diff`; any error it throws becomes `.unreadableInput`.
    static func readingInputs<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch {
            throw CommandFailure.unreadableInput(error)
        }
    }
}
