#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// The temporary files and folders being written right now, so that an interrupted command
/// (Ctrl-C, SIGTERM) can remove them before it exits: nothing partial is ever left behind.
package enum TemporaryOutputs {
    /// Each path, and whether it is a folder.
    private static let paths = LockedValue<[String: Bool]>([:])

    /// The `mkstemp`/`mkdtemp` template of a temporary beside `destination`: a hidden name in the
    /// same folder (so the final rename stays within one file system) that says it is Tureen's.
    static func template(beside destination: String) -> String {
        let path = FilePath(destination)
        let name = path.lastComponent?.string ?? "output"
        return "\(FileSystem.folder(of: destination))/.\(name).tureen-XXXXXX"
    }

    /// Records a temporary path (`isFolder` for folders, removed with their files).
    static func register(_ path: String, isFolder: Bool) {
        paths.withLock { $0[path] = isFolder }
    }

    /// Forgets a temporary path once it is committed or removed.
    static func unregister(_ path: String) {
        _ = paths.withLock { $0.removeValue(forKey: path) }
    }

    /// Removes every registered temporary file and folder. Call from a signal handler's queue, not from the handler itself.
    package static func removeAll() {
        paths.withLock { paths in
            for (path, isFolder) in paths where !isFolder { unlink(path) }
            for (path, isFolder) in paths where isFolder { OutputFolder.removeTree(path) }
            paths.removeAll()
        }
    }
}
