import CTureenBuildInfo
import Tureen

/// What `tureen --version` prints: the version, the git commit, and the CPU features the
/// vectorised kernels were built for beside those this CPU has (a portable build uses the
/// architecture's baseline whatever the CPU has; see Docs/distribution.md).
enum VersionText {
    static var text: String {
        let built = features(tureen_compiled_cpu_features())
        let running = features(tureen_running_cpu_features())
        return """
            tureen \(TureenVersion.current) (commit \(String(cString: tureen_git_commit())))
            kernels built for: \(built.isEmpty ? "the x86-64 baseline (sse2)" : built.joined(separator: " "))
            this CPU has: \(running.isEmpty ? "none of them" : running.joined(separator: " "))
            """
    }

    private static func features(_ list: UnsafePointer<CChar>) -> [String] {
        String(cString: list).split(separator: " ").map(String.init)
    }
}
