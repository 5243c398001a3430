import TureenCore

/// The checks for a command's side outputs (a plot, a weights file): small files written whole
/// after the work, so they are checked before it starts. Such a file never replaces one of the
/// command's inputs or outputs, and replaces an existing file only with `force`.
package enum SideOutputPolicy {
    /// Throws if `path` names one of `inputs` or `outputs` (by device and inode, or by spelling),
    /// or exists without `force`.
    ///
    /// - Throws: `TensorStoreError.outputIsInput`, `.outputNamedTwice` or `.outputExists`.
    package static func check(_ path: String, inputs: [String], outputs: [String], force: Bool) throws {
        if inputs.contains(where: { FileSystem.nameTheSamePlace($0, path) }) { throw TensorStoreError.outputIsInput(path: path) }
        if outputs.contains(where: { FileSystem.nameTheSamePlace($0, path) }) { throw TensorStoreError.outputNamedTwice(path: path) }
        if FileSystem.identity(of: path) != nil, !force { throw TensorStoreError.outputExists(path: path) }
    }
}
