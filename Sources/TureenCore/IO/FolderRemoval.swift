#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Removing folders Tureen wrote, and telling whether an existing folder is one: every call works
/// inside a descriptor of the folder opened with `O_NOFOLLOW`, and removes entries with `unlinkat`,
/// so a link is removed itself and what it points to is never touched.
package enum FolderRemoval {
    /// The entries of `folder` that `isOwned` does not accept as files Tureen writes there, or that
    /// are not regular files (links and subfolders are never Tureen's), excluding Tureen's own
    /// temporaries. Empty when replacing the folder removes only what Tureen wrote.
    ///
    /// - Throws: `TensorStoreError.cannotOpen` if the folder cannot be read, or is a link.
    package static func foreignEntries(in folder: String, isOwned: (String) -> Bool) throws -> [String] {
        try withEntries(of: folder) { directory, entries in
            entries.filter { name in
                if TemporaryName(parsing: name) != nil { return false }
                return !(isOwned(name) && type(of: name, in: directory) == .regular)
            }
        }
    }

    /// Removes a folder that Tureen made (a temporary being written, or a replaced folder it moved
    /// aside): its files and links, and Tureen temporaries inside it, then the folder. A subfolder
    /// of any other name is left, and with it the folder, unless `includingSubfolders` (for this
    /// process's own temporaries); a link to a folder is removed, never entered.
    ///
    /// - Returns: whether the folder is gone.
    @discardableResult
    package static func removeLeftover(_ folder: String, includingSubfolders: Bool = false) -> Bool {
        let emptied = (try? withEntries(of: folder) { directory, entries in
            var complete = true
            for name in entries {
                if type(of: name, in: directory) == .directory {
                    let removable = includingSubfolders || TemporaryName(parsing: name) != nil
                    complete = removable && removeLeftover("\(folder)/\(name)", includingSubfolders: includingSubfolders) && complete
                } else if unlinkat(directory.rawValue, name, 0) != 0, errno != ENOENT {
                    complete = false
                }
            }
            return complete
        }) ?? false
        return emptied && rmdir(folder) == 0
    }

    /// The type of `name` in `directory`, not following a link; nil if it is gone.
    private static func type(of name: String, in directory: FileDescriptor) -> FileType? {
        (try? Stat(FilePath(name), relativeTo: directory, flags: .symlinkNoFollow))?.type
    }

    /// Runs `body` with a descriptor of `folder` (never a link to one) and its entry names.
    private static func withEntries<Result>(of folder: String, _ body: (FileDescriptor, [String]) throws -> Result) throws -> Result {
        let directory: FileDescriptor
        do {
            directory = try FileDescriptor.open(FilePath(folder), .readOnly, options: [.directory, .noFollow, .closeOnExec])
        } catch {
            throw TensorStoreError.cannotOpen(path: folder, errno: error as? Errno ?? .ioError)
        }
        defer { try? directory.close() }
        return try body(directory, try FileSystem.contents(of: "/proc/self/fd/\(directory.rawValue)"))
    }
}
