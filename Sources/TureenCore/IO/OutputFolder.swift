#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A folder written through a temporary folder beside its destination (for sharded checkpoints):
/// files are created inside it with `file(named:)`, and `commit()` renames the folder into place,
/// replacing an existing folder only after the new one is complete. Dropped without `commit()`,
/// the temporary folder and its files are removed.
package final class OutputFolder {
    /// The final path.
    package let destination: String
    /// The temporary folder being filled.
    package let temporaryPath: String
    private var fileNames: [String] = []
    private var committed = false

    /// Creates the temporary folder beside `destination`.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if the parent folder is not writable.
    package init(destination: String) throws {
        // FilePath drops a trailing separator: "shards/" names the folder "shards".
        let trimmed = FilePath(destination).string
        self.destination = trimmed
        var template = Array(TemporaryOutputs.template(beside: trimmed).utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw TensorStoreError.cannotWrite(path: trimmed, errno: .latest) }
        temporaryPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        TemporaryOutputs.register(temporaryPath, isFolder: true)
        chmod(temporaryPath, 0o755)
    }

    deinit {
        TemporaryOutputs.unregister(temporaryPath)
        guard !committed else { return }
        for name in fileNames { unlink("\(temporaryPath)/\(name)") }
        rmdir(temporaryPath)
    }

    /// Starts a file called `name` inside the folder; commit it before committing the folder.
    package func file(named name: String) throws -> OutputFile {
        fileNames.append(name)
        return try OutputFile(destination: "\(temporaryPath)/\(name)")
    }

    /// Moves the finished folder into place (replacing an existing folder at the destination).
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if the rename fails.
    package func commit() throws {
        var status = stat()
        let replacing = lstat(destination, &status) == 0
        let aside = "\(temporaryPath).old"
        if replacing, rename(destination, aside) != 0 { throw TensorStoreError.cannotWrite(path: destination, errno: .latest) }
        guard rename(temporaryPath, destination) == 0 else {
            let failure = Errno.latest
            if replacing { rename(aside, destination) }
            throw TensorStoreError.cannotWrite(path: destination, errno: failure)
        }
        committed = true
        if replacing { OutputFolder.removeTree(aside) }
    }

    static func removeTree(_ path: String) {
        guard let directory = opendir(path) else {
            unlink(path)
            return
        }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name == "." || name == ".." { continue }
            let child = "\(path)/\(name)"
            var status = stat()
            if lstat(child, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR { removeTree(child) } else { unlink(child) }
        }
        closedir(directory)
        rmdir(path)
    }
}
