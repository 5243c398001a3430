import ArgumentParser

/// `--threads`, shared by the commands that compute over tensor values (soup, check --scan, diff).
struct ThreadingOptions: ParsableArguments {
    @Option(help: "Threads for the arithmetic (default: every core this process may run on).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
    }
}
