#if canImport(Glibc)
import Glibc
#endif

/// The few file-system questions Tureen asks, answered with POSIX calls.
package enum FileSystem {
    /// Whether `path` is a folder (following links).
    package static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// The device and inode of `path`, to tell whether two paths name the same file.
    package static func identity(of path: String) -> (device: UInt64, inode: UInt64)? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return (UInt64(status.st_dev), UInt64(status.st_ino))
    }

    /// The names in a folder (without `.` and `..`), sorted.
    ///
    /// - Throws: `TensorStoreError.cannotOpen` if the folder cannot be read.
    package static func contents(of folder: String) throws -> [String] {
        guard let directory = opendir(folder) else {
            throw TensorStoreError.cannotOpen(path: folder, reason: String(cString: strerror(errno)))
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// The folder part of `path` (`.` when it has none).
    package static func folder(of path: String) -> String {
        OutputFile.folder(of: path)
    }
}
