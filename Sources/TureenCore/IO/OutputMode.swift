#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// The permissions an output gets: those of the file or folder it replaces, else what `open` would
/// give a new one under the process's umask (0666 or 0777 less the umask). `mkstemp` and `mkdtemp`
/// create their temporaries 0600 and 0700 whatever the umask, so the mode is set explicitly.
enum OutputMode {
    /// The process's umask, read once (reading it means setting it, so it is done before any
    /// other thread could create a file under the briefly changed mask).
    static let umask: mode_t = {
        let mask = Glibc.umask(0o077)
        Glibc.umask(mask)
        return mask
    }()

    /// The mode for an output at `destination`: the mode of the regular file (`isFolder`: folder)
    /// already there, not following a link, or the umask's default. Set-id and sticky bits are not
    /// carried over to new contents.
    static func mode(replacing destination: String, isFolder: Bool) -> mode_t {
        if let status = try? Stat(FilePath(destination), followTargetSymlink: false),
           status.type == (isFolder ? .directory : .regular) {
            return mode_t(status.permissions.rawValue) & 0o777
        }
        return (isFolder ? 0o777 : 0o666) & ~umask
    }
}
