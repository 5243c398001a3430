#if canImport(Glibc)
import Glibc
#endif
import TureenCore

/// Parses an HDF5 file's metadata in a separate process before libhdf5 opens it in this one.
///
/// Debian's libhdf5 1.10 trusts some structures of the file it reads: a crafted local or global
/// heap makes it corrupt its own heap (`malloc(): corrupted top size`, abort), dereference a wild
/// pointer, or loop forever. Tureen cannot fix libhdf5, but it can keep that from taking the whole
/// process down: the check runs a program that parses the file exactly as `HDF5Reader.open` does
/// (groups, links, datasets, their types, shapes and filters, the attributes Tureen reads) and
/// prints the layout; a child that dies or runs past its time limit becomes
/// `HDF5Error.preflightFailed`, naming the file. A child that refuses the file cleanly is no
/// failure: the in-process open then gives the same error.
///
/// The check is a hook, `HDF5Preflight.check`, nil by default: a library has no program of its
/// own to run. The `tureen` command installs `childProcess(command:timeout:)` running itself
/// (`/proc/self/exe hdf5-preflight FILE`); a Swift program can install the same with a path to a
/// `tureen` binary, a check of its own, or none (Docs/security.md says what each protects).
public enum HDF5Preflight {
    private static let installed = LockedValue<(@Sendable (String) throws -> Void)?>(nil)

    /// The check run on every HDF5 file before libhdf5 opens it in this process; nil runs none.
    public static var check: (@Sendable (String) throws -> Void)? {
        get { installed.withLock { $0 } }
        set { installed.withLock { $0 = newValue } }
    }

    /// A check that runs `command` followed by the file's path (for example `["/proc/self/exe",
    /// "hdf5-preflight"]`), which must print `layoutReport(of:)` and exit 0, or exit 1 for a file
    /// it refuses cleanly, within `timeout`.
    public static func childProcess(command: [String], timeout: Duration = .seconds(10)) -> @Sendable (String) throws -> Void {
        { path in
            let result: (ending: ChildProcess.Ending, output: [UInt8])
            do {
                result = try ChildProcess.run(command[0], arguments: Array(command.dropFirst()) + [path], timeout: timeout)
            } catch {
                throw HDF5Error.preflightFailed(path: path, detail: "the separate process could not start: \(error)")
            }
            switch result.ending {
            case .exited(0) where result.output.suffix(3) == Array("ok\n".utf8), .exited(1):
                return
            case let .exited(status):
                throw HDF5Error.preflightFailed(path: path, detail: "the separate process reading its metadata exited with status \(status)")
            case let .signalled(signal):
                let name = String(cString: strsignal(signal))
                throw HDF5Error.preflightFailed(path: path, detail: "libhdf5 crashed reading its metadata in a separate process (signal \(signal), \(name))")
            case .timedOut:
                throw HDF5Error.preflightFailed(path: path, detail: "libhdf5 did not finish reading its metadata in a separate process within \(timeout)")
            }
        }
    }

    /// Parses `path` in this process as `HDF5Reader.open` does, without the check, and returns its
    /// layout: a line per tensor (name, dtype, shape), then the metadata keys, then `ok`.
    /// What the separate process runs.
    ///
    /// - Throws: what `HDF5Reader.open` throws.
    public static func layoutReport(of path: String) throws -> String {
        let store = try HDF5Reader.openWithoutPreflight(path, options: ReadOptions())
        var lines = store.tensors.map { "tensor \($0.info.name.debugDescription) \($0.info.dtype) \($0.info.shape)" }
        lines += store.metadata.keys.sorted().map { "metadata \($0.debugDescription)" }
        return (lines + ["ok"]).joined(separator: "\n") + "\n"
    }
}
