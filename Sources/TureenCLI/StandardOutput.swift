#if canImport(Glibc)
// `stdout` is a C global, which Swift 6 cannot prove safe to share; it is read here on the main
// thread at the end of a command, and by the interrupt handler under stdout's own lock.
@preconcurrency import Glibc
#endif
import ArgumentParser

/// Standard output at the end of a command: a report written to a full disk or a closed
/// descriptor is lost, and the command must not then say it succeeded.
enum StandardOutput {
    /// Writes out what standard output still buffers (a pipe or a file is fully buffered, and an
    /// interrupt's `_exit` would drop it: a search's lines so far), unless it cannot take a write now
    /// or another thread holds it: neither may keep the interrupt from ending the process.
    static func flushUnlessBusy() {
        // A full pipe (a pager that reads on demand) would block the flush, and the interrupt with it.
        var output = pollfd(fd: STDOUT_FILENO, events: Int16(POLLOUT), revents: 0)
        guard poll(&output, 1, 0) == 1, output.revents & Int16(POLLOUT) != 0 else { return }
        guard ftrylockfile(stdout) == 0 else { return }
        fflush_unlocked(stdout)
        funlockfile(stdout)
    }

    /// Flushes standard output; if that, or an earlier write, failed, says so and exits with
    /// `code` (check and diff: 2, their report being their result; other commands: 1).
    static func exitIfLost(code: Int32) {
        let flushed = fflush(stdout) == 0
        let failure = errno
        guard !flushed || ferror(stdout) != 0 else { return }
        let reason = flushed ? "an earlier write failed" : String(cString: strerror(failure))
        printToStandardError("tureen: error: cannot write to standard output: \(reason)")
        TureenCommand.exit(withError: ExitCode(code))
    }
}
