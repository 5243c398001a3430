import SystemPackage
import TureenCore

/// The checks every command makes before writing: an output never replaces an input, and never
/// replaces an existing file unless the user said `--force`.
package enum OutputPolicy {
    /// Throws if `output` exists (without `force`) or names one of `inputs` (or a file inside an input folder).
    ///
    /// - Throws: `TensorStoreError.outputExists` or `.outputIsInput`.
    package static func check(output: String, inputs: [String], force: Bool) throws {
        let outputIdentity = FileSystem.identity(of: output)
        for input in inputs {
            if let outputIdentity, let inputIdentity = FileSystem.identity(of: input), outputIdentity == inputIdentity {
                throw TensorStoreError.outputIsInput(path: output)
            }
            if normalized(input) == normalized(output) { throw TensorStoreError.outputIsInput(path: output) }
            if FileSystem.isDirectory(output), normalized(FileSystem.folder(of: input)) == normalized(output) {
                throw TensorStoreError.outputIsInput(path: output)
            }
        }
        if outputIdentity != nil, !force { throw TensorStoreError.outputExists(path: output) }
    }

    private static func normalized(_ path: String) -> FilePath {
        FilePath(path).lexicallyNormalized()
    }
}
