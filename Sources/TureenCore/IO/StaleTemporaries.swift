#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Leftovers of Tureen runs that were killed (SIGKILL, a crash, power loss) before they could
/// clean up: each run removes those in its output's folder that a dead process of this host
/// wrote. Temporaries of other hosts are kept (on shared storage their writers may be running),
/// as are those of live processes. A folder set aside by a two-step replacement (`.old`) whose
/// output path is missing is moved back: the run died between the two renames.
package enum StaleTemporaries {
    /// Receives one line per leftover removed or restored (the CLI prints them); nil to stay quiet.
    package static let notices = LockedValue<(@Sendable (String) -> Void)?>(nil)

    /// Removes (or restores) the leftovers of dead processes of this host in `folder`.
    package static func clean(folder: String) {
        guard let names = try? FileSystem.contents(of: folder) else { return }
        for name in names {
            guard let parsed = TemporaryName(parsing: name), parsed.isFromDeadProcessOfThisHost else { continue }
            let path = "\(folder)/\(name)"
            guard let status = try? Stat(FilePath(path), followTargetSymlink: false) else { continue }
            if parsed.isAside, status.type == .directory, restore(aside: path, parsed: parsed, folder: folder) { continue }
            let removed = status.type == .directory ? FolderRemoval.removeLeftover(path) : unlink(path) == 0
            notify(removed
                ? "removed \(path), left by tureen process \(parsed.processID), which is no longer running"
                : "could not remove \(path), left by tureen process \(parsed.processID), which is no longer running")
        }
    }

    /// Moves an aside folder back to its output path if that path is missing. Returns whether it did.
    private static func restore(aside: String, parsed: TemporaryName, folder: String) -> Bool {
        let destination = "\(folder)/\(parsed.outputName)"
        guard (try? Stat(FilePath(destination), followTargetSymlink: false)) == nil else { return false }
        guard !parsed.isNameTruncated else {
            notify("\(aside) holds the previous contents of a folder whose replacement was interrupted (its name was too long to keep whole); move it back to its name yourself")
            return true
        }
        guard rename(aside, destination) == 0 else { return false }
        notify("restored \(destination) from \(aside): tureen process \(parsed.processID) was killed while replacing it")
        return true
    }

    private static func notify(_ line: String) {
        notices.withLock { $0 }?(line)
    }
}
