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
        let identity = FileSystem.identity(of: path)
        let names = { (other: String) in other == path || (identity != nil && FileSystem.identity(of: other).map { $0 == identity! } == true) }
        if inputs.contains(where: names) { throw TensorStoreError.outputIsInput(path: path) }
        if outputs.contains(where: names) { throw TensorStoreError.outputNamedTwice(path: path) }
        if identity != nil, !force { throw TensorStoreError.outputExists(path: path) }
    }
}
