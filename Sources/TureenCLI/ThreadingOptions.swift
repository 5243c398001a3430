import ArgumentParser

/// `--threads`, shared by the commands that compute over tensor values (soup, check --scan, diff).
struct ThreadingOptions: ParsableArguments {
    /// The most threads a command starts: each takes its own buffers (about 200 KB), so a mistyped
    /// count (100000) would spend minutes and gigabytes starting threads before any work.
    static let maximumThreads = 1024

    @Option(help: "Threads for the arithmetic (default: every core this process may run on; at most \(maximumThreads)).")
    var threads: Int?

    func validate() throws {
        guard let threads else { return }
        if threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
        if threads > Self.maximumThreads { throw ValidationError("--threads must be at most \(Self.maximumThreads), not \(threads)") }
    }
}
