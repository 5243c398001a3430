import CTureenBuildInfo

/// What `tureen --version` prints: the version, the git commit, and the CPU features the
/// vectorised kernels were built for beside those this CPU has (a portable build uses the
/// architecture's baseline whatever the CPU has; see Docs/distribution.md).
enum VersionText {
    /// The release number; the Makefile reads it from here for the wheel's version.
    static let number = "0.1.0"

    static var text: String {
        let built = features(tureen_compiled_cpu_features())
        let running = features(tureen_running_cpu_features())
        return """
            tureen \(number) (commit \(String(cString: tureen_git_commit())))
            kernels built for: \(built.isEmpty ? "the x86-64 baseline (sse2)" : built.joined(separator: " "))
            this CPU has: \(running.isEmpty ? "none of them" : running.joined(separator: " "))
            """
    }

    private static func features(_ list: UnsafePointer<CChar>) -> [String] {
        String(cString: list).split(separator: " ").map(String.init)
    }
}
