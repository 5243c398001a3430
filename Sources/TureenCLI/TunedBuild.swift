import CTureenBuildInfo
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The portable build's run-time choice of kernels: a binary built for any CPU of the architecture
/// (the dist folder's and the wheel's) hands the whole run to the build of itself for `x86-64-v3`
/// (AVX2, FMA) installed beside it, when this CPU has those features, so souping is as fast as a
/// tuned build wherever it can be; both write the same bytes (Docs/distribution.md).
enum TunedBuild {
    /// The tuned build's path relative to the running binary's folder (`bin/`, or the wheel's `_bin/`).
    static let relativePath = "../libexec/tureen/tureen-x86-64-v3"
    /// Set to `portable` to keep the portable kernels (to compare them, or to rule them out).
    static let environmentVariable = "TUREEN_KERNELS"

    /// Replaces this process with the tuned build when this is a portable build, the tuned one is
    /// installed, this CPU can run it and `TUREEN_KERNELS` does not say `portable`; otherwise returns
    /// and the portable kernels run (also when the exec fails).
    static func handOverIfInstalled() {
        guard String(cString: tureen_compiled_cpu_features()).isEmpty, tureen_cpu_runs_x86_64_v3() != 0,
              ProcessInfo.processInfo.environment[environmentVariable] != "portable",
              let running = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        else { return }
        let tuned = URL(fileURLWithPath: running).deletingLastPathComponent().appendingPathComponent(relativePath).standardized.path
        guard FileManager.default.isExecutableFile(atPath: tuned) else { return }
        execv(tuned, CommandLine.unsafeArgv)
    }
}
