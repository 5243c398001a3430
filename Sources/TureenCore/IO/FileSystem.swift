#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// The few file-system questions Tureen asks, answered with POSIX calls.
package enum FileSystem {
    /// Whether `path` is a folder (following links).
    package static func isDirectory(_ path: String) -> Bool {
        (try? Stat(FilePath(path)))?.type == .directory
    }

    /// Whether `path` is a regular file (following links).
    package static func isRegularFile(_ path: String) -> Bool {
        (try? Stat(FilePath(path)))?.type == .regular
    }

    /// The device and inode of `path`, to tell whether two paths name the same file (following links).
    package static func identity(of path: String) -> (device: UInt64, inode: UInt64)? {
        guard let status = try? Stat(FilePath(path)) else { return nil }
        return (UInt64(status.deviceID.rawValue), UInt64(status.inode.rawValue))
    }

    /// Whether two paths name one place: the same file or folder (by device and inode) when both
    /// exist, else the same path once `.`, `..` and repeated separators are resolved lexically.
    package static func nameTheSamePlace(_ first: String, _ second: String) -> Bool {
        if let one = identity(of: first), let other = identity(of: second) { return one == other }
        return FilePath(first).lexicallyNormalized() == FilePath(second).lexicallyNormalized()
    }

    /// Whether `path` lies inside `folder` (not the folder itself), comparing their absolute,
    /// lexically normalised paths (links not followed: neither need exist yet).
    package static func lies(_ path: String, inside folder: String) -> Bool {
        func absolute(_ path: String) -> FilePath {
            let given = FilePath(path)
            guard !given.isAbsolute, let directory = getcwd(nil, 0) else { return given.lexicallyNormalized() }
            defer { free(directory) }
            return FilePath(String(cString: directory)).pushing(given).lexicallyNormalized()
        }
        let (inner, outer) = (absolute(path), absolute(folder))
        return inner != outer && inner.starts(with: outer)
    }

    /// The names in a folder (without `.` and `..`), sorted.
    ///
    /// - Throws: `TensorStoreError.cannotOpen` if the folder cannot be read.
    package static func contents(of folder: String) throws -> [String] {
        guard let directory = opendir(folder) else {
            throw TensorStoreError.cannotOpen(path: folder, errno: .latest)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// `path` without a trailing separator, and with a last component of `.` or `..` replaced by the
    /// folder's real path, so that an output folder has a name of its own to write beside.
    package static func namedPath(_ path: String) -> String {
        let trimmed = FilePath(path)
        if let last = trimmed.lastComponent?.string, last != ".", last != ".." { return trimmed.string }
        guard let resolved = realpath(trimmed.string, nil) else { return trimmed.string }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The real path of `path` (links and `..` resolved), or nil if it does not exist.
    package static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// What the symbolic link at `path` points to, as the link holds it; nil if `path` is not a link.
    package static func linkTarget(of path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Flushes `folder`'s entries to the disk (`fsync` of the folder), so that a rename into it
    /// survives a power loss. Errors are ignored: some file systems cannot sync a folder, and the
    /// rename itself has succeeded.
    package static func syncFolder(_ folder: String) {
        guard let directory = try? FileDescriptor.open(FilePath(folder), .readOnly, options: [.directory, .closeOnExec]) else { return }
        _ = fsync(directory.rawValue)
        try? directory.close()
    }

    /// The folder part of `path` (`.` when it has none).
    package static func folder(of path: String) -> String {
        let folder = FilePath(path).removingLastComponent()
        return folder.isEmpty ? "." : folder.string
    }
}
