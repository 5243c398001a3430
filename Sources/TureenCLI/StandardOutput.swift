#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser

/// Standard output at the end of a command: a report written to a full disk or a closed
/// descriptor is lost, and the command must not then say it succeeded.
enum StandardOutput {
    /// Flushes standard output; if that fails, says so and exits with `code` (check and diff: 2,
    /// their report being their result; other commands: 1).
    static func exitIfLost(code: Int32) {
        guard fflush(nil) != 0 else { return }
        let reason = String(cString: strerror(errno))
        printToStandardError("tureen: error: cannot write to standard output: \(reason)")
        TureenCommand.exit(withError: ExitCode(code))
    }
}
