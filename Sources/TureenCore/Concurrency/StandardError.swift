import SystemPackage

/// The process's standard error, written a whole message at a time under one lock, so lines from
/// the progress bar, a signal handler's queue and error reports never interleave.
package enum StandardError {
    private static let lock = LockedValue(())

    /// Writes `text` as it is (no newline added); errors writing to stderr are ignored, since
    /// there is nowhere left to report them.
    package static func write(_ text: String) {
        lock.withLock { _ in
            _ = try? FileDescriptor.standardError.writeAll(Array(text.utf8))
        }
    }

    /// Writes `text` and a newline.
    package static func writeLine(_ text: String) {
        write(text + "\n")
    }
}
