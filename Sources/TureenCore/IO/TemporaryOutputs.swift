#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// The temporary files and folders being written right now, and the outputs already put in place,
/// so that an interrupted command (Ctrl-C, SIGTERM, SIGHUP) can remove its temporaries and say
/// truthfully whether its output was written.
///
/// The step that puts an output in place (`publish`) runs under the same lock as the interrupt's
/// cleanup (`removeAll`), so an interrupt sees either the output not yet in place (its temporary is
/// removed, the old output untouched) or in place (it is reported as written), never the middle.
package enum TemporaryOutputs {
    private struct State {
        /// Each temporary path, and whether it is a folder.
        var temporaries: [String: Bool] = [:]
        /// The outputs put in place by this process, in order.
        var published: [String] = []
        /// Set by an interrupt: nothing more is put in place (the process is about to exit).
        var isInterrupted = false
        /// Scratch files: a command's own files that are no output (a greedy soup's candidates and
        /// running sums), removed by an interrupt and never reported as written.
        var scratch: Set<String> = []
    }

    private static let state = LockedValue(State())

    /// What an interrupt found and did.
    package struct Interruption: Sendable {
        /// The temporaries it removed.
        package let removed: [String]
        /// The outputs that had been put in place, complete, before it (they are kept).
        package let published: [String]
    }

    /// The `mkstemp`/`mkdtemp` template of a temporary beside `destination` (see `TemporaryName`).
    static func template(beside destination: String) -> String {
        let name = FilePath(destination).lastComponent?.string ?? "output"
        return "\(FileSystem.folder(of: destination))/\(TemporaryName.template(for: name))"
    }

    /// Creates a temporary with `create` (which returns its path, or nil with `errno` set) and
    /// records it, with interrupts held off, so an interrupt removes every temporary it has created.
    /// After an interrupt, waits for the process to exit instead.
    static func create(isFolder: Bool, _ create: () -> String?) -> String? {
        state.wait(until: { !$0.isInterrupted }) { state in
            let path = create()
            if let path { state.temporaries[path] = isFolder }
            return path
        }
    }

    /// Forgets a temporary path once it is committed or removed.
    static func unregister(_ path: String) {
        _ = state.withLock { $0.temporaries.removeValue(forKey: path) }
    }

    /// Runs `putInPlace` (the rename that makes `temporary` the output) with interrupts held off;
    /// on success `temporary` is forgotten, `destination` (if given: nil for a file inside a folder
    /// still being written) is recorded as written, and the path `putInPlace` returns (a replaced
    /// folder to be removed) is recorded as a temporary folder.
    static func publish(_ temporary: String, as destination: String?, _ putInPlace: () throws -> String?) throws {
        // After an interrupt, wait for the exit instead: the message already printed must stay true.
        try state.wait(until: { !$0.isInterrupted }) { state in
            let leftover = try putInPlace()
            state.temporaries[temporary] = nil
            if let destination { state.published.append(destination) }
            if let leftover { state.temporaries[leftover] = true }
        }
    }

    /// For an interrupt: removes every registered temporary file and folder and reports what was
    /// written before. Call from a signal handler's queue, not from the handler itself, then exit:
    /// no temporary is created and no output put in place after this returns (`create` and
    /// `publish` wait for the exit instead), so the report stays true.
    package static func interrupt() -> Interruption {
        state.withLock { state in
            state.isInterrupted = true
            return removeTemporaries(&state)
        }
    }

    /// Removes every registered temporary file and folder (outputs already in place stay), and
    /// reports what was written before; later outputs proceed as usual.
    @discardableResult
    package static func removeAll() -> Interruption {
        state.withLock { removeTemporaries(&$0) }
    }

    private static func removeTemporaries(_ state: inout State) -> Interruption {
        let paths = state.temporaries
        for (path, isFolder) in paths where !isFolder { unlink(path) }
        for (path, isFolder) in paths where isFolder { FolderRemoval.removeLeftover(path, includingSubfolders: true) }
        // A scratch path may be a folder (a model folder candidate): its files, then the folder.
        for path in state.scratch where unlink(path) != 0 && errno == EISDIR { FolderRemoval.removeLeftover(path) }
        state.temporaries.removeAll()
        let scratch = state.scratch
        state.scratch.removeAll()
        return Interruption(removed: (Array(paths.keys) + scratch).sorted(), published: state.published.filter { !scratch.contains($0) })
    }

    /// Records a scratch file (which may not exist yet): an interrupt removes it, and it is not
    /// reported as written even after a writer has put it in place.
    package static func registerScratch(_ path: String) {
        _ = state.withLock { $0.scratch.insert(path) }
    }

    /// Forgets a scratch file the command has removed.
    package static func unregisterScratch(_ path: String) {
        state.withLock { state in
            state.scratch.remove(path)
            state.published.removeAll { $0 == path }
        }
    }

    /// Renames the scratch file `path` to `destination`, which becomes an output put in place (with
    /// interrupts held off, as `publish`), and syncs the folder.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if the rename fails (`path` is then still a scratch file).
    package static func publishScratch(_ path: String, as destination: String) throws {
        try publish(path, as: destination) {
            guard rename(path, destination) == 0 else { throw TensorStoreError.cannotWrite(path: destination, errno: .latest) }
            return nil
        }
        unregisterScratch(path)
        FileSystem.syncFolder(FileSystem.folder(of: destination))
    }

    /// Records a temporary made outside `create` (for tests of the clean-up).
    static func register(_ path: String, isFolder: Bool) {
        state.withLock { $0.temporaries[path] = isFolder }
    }
}
