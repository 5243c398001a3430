import Safetensors
import SystemPackage
import TureenCore

/// The checks every command makes before writing: an output never replaces, or lies inside, any
/// file or folder an input was read from (compared by device and inode, not by spelling); it never
/// replaces a folder that holds an input or anything Tureen does not write; and it replaces an
/// existing path (a dangling link included) only if the user said `--force`, and only with an
/// output of the same kind (`writesFolder`: a folder by a folder, a file or link by one file; never
/// a FIFO, device or socket).
package enum OutputPolicy {
    package static func check(
        output: String, inputs: [TensorStore], force: Bool, partitioned: Bool = false, writesFolder: Bool = false, extraSources: [String] = [],
        isOwned: (String) -> Bool = SafetensorsWriter.writesFolderEntry
    ) throws {
        // First, so that a folder a killed run had set aside is back at its name before it is judged.
        StaleTemporaries.clean(folder: FileSystem.folder(of: FileSystem.namedPath(output)))
        let sources = inputs.flatMap(\.sourcePaths) + extraSources
        let sourceIdentities = sources.compactMap { source in FileSystem.identity(of: source).map { (source, $0) } }
        let folderIdentity = FileSystem.identity(of: FileSystem.folder(of: FileSystem.namedPath(output)))
        for (source, identity) in sourceIdentities where FileSystem.isDirectory(source) && folderIdentity.map({ $0 == identity }) == true {
            throw TensorStoreError.outputInsideInput(path: output, folder: source)
        }
        // Spelling too, for paths the kernel cannot resolve ("missing/../model.safetensors").
        let spelled = FilePath(output).lexicallyNormalized()
        if sources.contains(where: { FilePath($0).lexicallyNormalized() == spelled }) { throw TensorStoreError.outputIsInput(path: output) }
        guard let existing = try? Stat(FilePath(output), followTargetSymlink: false) else { return }
        if let outputIdentity = FileSystem.identity(of: output) {
            if sourceIdentities.contains(where: { $0.1 == outputIdentity }) { throw TensorStoreError.outputIsInput(path: output) }
            if existing.type == .symbolicLink, FileSystem.isDirectory(output) { throw TensorStoreError.outputIsLinkToFolder(path: output) }
            if existing.type == .directory, let inside = sources.first(where: { lies($0, inside: outputIdentity) }) {
                throw TensorStoreError.inputInsideOutput(path: output, input: inside)
            }
        }
        if partitioned {
            guard existing.type == .directory else { throw PartitionError.outputNotFolder(path: output) }
            return
        }
        if let kind = SpecialFileKind(existing.type) { throw TensorStoreError.outputIsSpecialFile(path: output, kind: kind) }
        guard force else { throw TensorStoreError.outputExists(path: output) }
        if (existing.type == .directory) != writesFolder {
            if existing.type == .symbolicLink, FileSystem.identity(of: output) == nil, let target = FileSystem.linkTarget(of: output) {
                throw TensorStoreError.outputIsLinkToNothing(path: output, target: target)
            }
            throw TensorStoreError.outputOfOtherKind(path: output, existingIsFolder: !writesFolder)
        }
        if existing.type == .directory {
            let foreign = try FolderRemoval.foreignEntries(in: FileSystem.namedPath(output), isOwned: isOwned)
            guard foreign.isEmpty else { throw TensorStoreError.outputFolderHoldsOtherFiles(path: output, names: foreign) }
        }
    }

    /// Whether `path` (links resolved) lies inside the folder whose identity is `folder`.
    private static func lies(_ path: String, inside folder: (device: UInt64, inode: UInt64)) -> Bool {
        guard let real = FileSystem.realPath(path) else { return false }
        var ancestor = FilePath(real)
        while ancestor.removeLastComponent() {
            if let identity = FileSystem.identity(of: ancestor.string), identity == folder { return true }
        }
        return false
    }
}
