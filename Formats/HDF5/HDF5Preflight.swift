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
/// failure: the in-process open then gives the same error. An HDF5 file stored inside another
/// (a `.keras` archive's `model.weights.h5`) is checked by its path and byte range.
///
/// The check is a hook, `HDF5Preflight.check`, nil by default: a library has no program of its
/// own to run. The `tureen` command installs `childProcess(command:timeout:)` running itself
/// (`/proc/self/exe hdf5-preflight FILE`); a Swift program can install the same with a path to a
/// `tureen` binary, a check of its own, or none (Docs/security.md says what each protects).
public enum HDF5Preflight {
    /// A check of the HDF5 file at `path`, or of the one at `byteRange` inside it when that is given.
    public typealias Check = @Sendable (_ path: String, _ byteRange: Range<Int>?) throws -> Void

    private static let installed = LockedValue<Check?>(nil)

    /// The check run on every HDF5 file before libhdf5 opens it in this process; nil runs none.
    public static var check: Check? {
        get { installed.withLock { $0 } }
        set { installed.withLock { $0 = newValue } }
    }

    /// A check that runs `command` followed by the file's path, and `--offset START --length
    /// COUNT` for a byte range (for example `["/proc/self/exe", "hdf5-preflight"]`), which must
    /// print `layoutReport(of:byteRange:)` and exit 0, or exit 1 for a file it refuses cleanly,
    /// within `timeout`.
    public static func childProcess(command: [String], timeout: Duration = .seconds(10)) -> Check {
        { path, byteRange in
            let range = byteRange.map { ["--offset", String($0.lowerBound), "--length", String($0.count)] } ?? []
            let result: (ending: ChildProcess.Ending, output: [UInt8])
            do {
                result = try ChildProcess.run(command[0], arguments: Array(command.dropFirst()) + [path] + range, timeout: timeout)
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

    /// Parses the HDF5 file at `path` (or at `byteRange` inside it) in this process as the reader
    /// does, without the check, and returns its layout: a line per tensor (name, dtype, shape),
    /// then the metadata keys, then `ok`. What the separate process runs.
    ///
    /// - Throws: what `HDF5Reader.open` throws, or `TensorStoreError.rangeOutsideFile`.
    public static func layoutReport(of path: String, byteRange: Range<Int>? = nil) throws -> String {
        let file = try MappedFile(path: path)
        let region = try byteRange.map { try HDF5FileRegion($0, of: file, label: path) } ?? HDF5FileRegion(wholeFile: file)
        let content = try HDF5Reader.read(region, options: ReadOptions(), preflight: false)
        var lines = content.tensors.map { "tensor \($0.info.name.debugDescription) \($0.info.dtype) \($0.info.shape)" }
        lines += content.metadata.keys.sorted().map { "metadata \($0.debugDescription)" }
        return (lines + ["ok"]).joined(separator: "\n") + "\n"
    }
}
