#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// The temporary files and folders being written right now, so that an interrupted command
/// (Ctrl-C, SIGTERM) can remove them before it exits: nothing partial is ever left behind.
public enum TemporaryOutputs {
    private static let lock = DispatchQueue(label: "tureen.temporary-outputs")
    nonisolated(unsafe) private static var paths: [String: Bool] = [:]

    /// Records a temporary path (`isFolder` for folders, removed with their files).
    package static func register(_ path: String, isFolder: Bool) {
        lock.sync { paths[path] = isFolder }
    }

    /// Forgets a temporary path once it is committed or removed.
    package static func unregister(_ path: String) {
        _ = lock.sync { paths.removeValue(forKey: path) }
    }

    /// Removes every registered temporary file and folder. Call from a signal handler's queue, not from the handler itself.
    public static func removeAll() {
        lock.sync {
            for (path, isFolder) in paths where !isFolder { unlink(path) }
            for (path, isFolder) in paths where isFolder { OutputFolder.removeTree(path) }
            paths.removeAll()
        }
    }
}
