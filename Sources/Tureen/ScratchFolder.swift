#if canImport(Glibc)
import Glibc
#endif
import SystemPackage
import TureenCore

/// The folder where a soup search writes its candidates, running sums, gradients and journal:
/// `--scratch`, or by default a folder beside the output named after it (`soup.safetensors.scratch`).
///
/// Every file made here is registered as a scratch file (`TemporaryOutputs.registerScratch`) until
/// it is removed, so an interrupted command removes it too; the journal is not, so that `--resume`
/// finds it.
final class ScratchFolder {
    /// The folder.
    let path: String
    /// Whether the folder is the default one, removed when a run ends empty-handed of files.
    let isDefault: Bool
    /// Whether files found at the names this run writes are an interrupted run's leftovers, to be
    /// replaced (a resumed search), rather than someone's files, to be refused.
    private let replacesLeftovers: Bool
    private var files: Set<String> = []
    /// The folder, open and locked (`flock`) while this run uses it, so that a second search given
    /// the same folder is refused rather than replacing and removing this one's files; nil where
    /// the file system takes no such lock (the search then goes on unlocked).
    private let lock: FileDescriptor?

    /// Uses `path`, or the default folder beside `output`, creating it if needed; `resumingFrom`
    /// names the journal of the interrupted search a resumed one continues: files at this run's
    /// names are that search's leftovers only if its journal is there (else they are someone's).
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if the folder cannot be created,
    ///   `ScratchFolderError.inUse` if another search running now holds its lock.
    init(path: String?, beside output: String, resumingFrom journalName: String? = nil) throws {
        let folder = path ?? DefaultScratchFolder.path(beside: output)
        self.path = folder
        self.isDefault = path == nil
        if mkdir(self.path, 0o755) != 0 && !(errno == EEXIST && FileSystem.isDirectory(self.path)) {
            throw TensorStoreError.cannotWrite(path: self.path, errno: .latest)
        }
        lock = try Self.lock(folder)
        // Only a search that holds the lock may take the files it finds for its own leftovers.
        replacesLeftovers = journalName.map { (try? Stat(FilePath(folder + "/" + $0), followTargetSymlink: false)) != nil } ?? false
    }

    deinit {
        removeFiles()
        try? lock?.close()
    }

    /// Opens and locks `folder` for this run.
    ///
    /// - Throws: `ScratchFolderError.inUse` if another run holds the lock.
    private static func lock(_ folder: String) throws -> FileDescriptor? {
        guard let descriptor = try? FileDescriptor.open(FilePath(folder), .readOnly, options: [.directory, .closeOnExec]) else { return nil }
        guard flock(descriptor.rawValue, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            try? descriptor.close()
            if busy { throw ScratchFolderError.inUse(path: folder) }
            return nil
        }
        return descriptor
    }

    /// The path of `name` in the folder.
    func file(_ name: String) -> String {
        path + "/" + name
    }

    /// Records `file` as made by this run: removed by `remove(_:)`, `removeFiles()` or an interrupt.
    ///
    /// - Throws: `ScratchFolderError.occupied` if something this run did not make is already there
    ///   (the user's own file, never to be replaced or removed), unless resuming.
    func track(_ file: String) throws {
        guard replacesLeftovers || files.contains(file) || (try? Stat(FilePath(file), followTargetSymlink: false)) == nil else {
            throw ScratchFolderError.occupied(path: file)
        }
        files.insert(file)
        TemporaryOutputs.registerScratch(file)
    }

    /// Removes a file (or a model folder candidate) made by this run, if it is there.
    func remove(_ file: String) {
        if unlink(file) != 0, errno == EISDIR { FolderRemoval.removeLeftover(file) }
        files.remove(file)
        TemporaryOutputs.unregisterScratch(file)
    }

    /// Renames a file made by this run to `destination`, an output put in place.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if it cannot be renamed (it stays a scratch file).
    func publish(_ file: String, as destination: String) throws {
        try TemporaryOutputs.publishScratch(file, as: destination)
        files.remove(file)
    }

    /// Removes every file this run made and still has.
    func removeFiles() {
        for file in files { remove(file) }
    }

    /// Removes the run's files and, if the folder is the default one and is left empty, the folder.
    func finish() {
        removeFiles()
        if isDefault { rmdir(path) }
    }
}

/// Where a search keeps its scratch files when not told (`--scratch`): beside the output, named after
/// it (`soup.safetensors.scratch`), and removed when the search ends if it is left empty.
package enum DefaultScratchFolder {
    /// The default folder for a search writing `output`.
    package static func path(beside output: String) -> String {
        var outputPath = output
        while outputPath.count > 1 && outputPath.hasSuffix("/") { outputPath.removeLast() }
        return outputPath + ".scratch"
    }
}
