#if canImport(Glibc)
import Glibc
#endif
import CTureenSystem
import SystemPackage

/// A folder written through a temporary folder beside its destination (for sharded checkpoints):
/// files are created inside it with `file(named:)`, and `commit()` puts the folder in place.
/// Dropped without `commit()`, the temporary folder and its files are removed.
///
/// An existing folder is replaced only if it holds nothing but files the writer would have written
/// (`isOwned`), and the switch is crash-safe: the complete new folder and the old one are swapped
/// in one step (`renameat2` with `RENAME_EXCHANGE`), then the old one is removed. Where the file
/// system cannot swap (NFS and some FUSE file systems answer `EINVAL`), the old folder is renamed
/// aside to `<temporary>.old` and the new one renamed into place; a process killed between those
/// two renames leaves the output path missing, and the next Tureen run writing beside it renames
/// the old folder back (`StaleTemporaries`).
package final class OutputFolder {
    /// The final path.
    package let destination: String
    /// The temporary folder being filled.
    package let temporaryPath: String
    private let isOwned: (String) -> Bool
    private var committed = false

    /// Creates the temporary folder beside `destination`, after removing the leftovers of dead
    /// Tureen processes there. `isOwned` says which names in an existing folder at `destination`
    /// the writer would have written (and so may replace); by default none, so only an empty
    /// folder is replaced.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if the parent folder is not writable.
    package init(destination: String, isOwned: @escaping (String) -> Bool = { _ in false }) throws {
        let trimmed = FileSystem.namedPath(destination)
        self.destination = trimmed
        self.isOwned = isOwned
        StaleTemporaries.clean(folder: FileSystem.folder(of: trimmed))
        let created = TemporaryOutputs.create(isFolder: true) {
            var template = Array(TemporaryOutputs.template(beside: trimmed).utf8CString)
            let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
            return made != nil ? String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
        }
        guard let created else { throw TensorStoreError.cannotWrite(path: trimmed, errno: .latest) }
        temporaryPath = created
        chmod(temporaryPath, OutputMode.mode(replacing: trimmed, isFolder: true))
    }

    deinit {
        guard !committed else { return }
        TemporaryOutputs.unregister(temporaryPath)
        FolderRemoval.removeLeftover(temporaryPath, includingSubfolders: true)
    }

    /// Starts a file called `name` inside the folder; commit it before committing the folder.
    package func file(named name: String) throws -> OutputFile {
        try OutputFile(destination: "\(temporaryPath)/\(name)", isFinalOutput: false, reportedAs: "\(destination)/\(name)")
    }

    /// Puts the finished folder in place, replacing an existing folder at the destination (see the
    /// type's description), then removes the replaced folder's files.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if a rename fails (the old folder is then in place
    ///   again); `.outputFolderHoldsOtherFiles` if the folder to replace holds files the writer does
    ///   not write; `.replacementInterrupted` if the old folder could not be moved back.
    package func commit() throws {
        var replaced: String?
        FileSystem.syncFolder(temporaryPath)
        try TemporaryOutputs.publish(temporaryPath, as: destination) {
            replaced = try putInPlace()
            return replaced
        }
        committed = true
        FileSystem.syncFolder(FileSystem.folder(of: destination))
        guard let replaced else { return }
        // A replaced folder held only the writer's files when it was checked; if something else
        // appeared since, it is left (a later run reports it), and not handed to the interrupt's
        // clean-up, which removes subfolders.
        FolderRemoval.removeLeftover(replaced)
        TemporaryOutputs.unregister(replaced)
    }

    /// Renames the temporary folder to the destination; returns where the replaced folder now is.
    private func putInPlace() throws -> String? {
        guard (try? Stat(FilePath(destination), followTargetSymlink: false)) != nil else {
            if c_tureen_rename_no_replace(temporaryPath, destination) == 0 { return nil }
            guard Self.cannotUseRenameFlags(errno) else { throw TensorStoreError.cannotWrite(path: destination, errno: .latest) }
            guard rename(temporaryPath, destination) == 0 else { throw TensorStoreError.cannotWrite(path: destination, errno: .latest) }
            return nil
        }
        let foreign = try FolderRemoval.foreignEntries(in: destination, isOwned: isOwned)
        guard foreign.isEmpty else { throw TensorStoreError.outputFolderHoldsOtherFiles(path: destination, names: foreign) }
        if c_tureen_rename_exchange(temporaryPath, destination) == 0 { return temporaryPath }
        guard Self.cannotUseRenameFlags(errno) else { throw TensorStoreError.cannotWrite(path: destination, errno: .latest) }
        let aside = temporaryPath + TemporaryName.asideSuffix
        guard rename(destination, aside) == 0 else { throw TensorStoreError.cannotWrite(path: destination, errno: .latest) }
        guard rename(temporaryPath, destination) == 0 else {
            let failure = Errno.latest
            guard rename(aside, destination) == 0 else {
                throw TensorStoreError.replacementInterrupted(path: destination, previous: aside, errno: failure)
            }
            throw TensorStoreError.cannotWrite(path: destination, errno: failure)
        }
        return aside
    }

    /// Whether `renameat2` failed because this file system or kernel lacks its flags.
    private static func cannotUseRenameFlags(_ code: Int32) -> Bool {
        code == EINVAL || code == ENOSYS || code == EOPNOTSUPP
    }
}
