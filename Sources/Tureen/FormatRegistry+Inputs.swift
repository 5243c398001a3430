import Keras
import TureenCore

extension FormatRegistry {
    /// The writer for `path` once the inputs are open: the registry's, except that a `.keras`
    /// output takes its model's configuration, metadata and assets from the first input, which
    /// must be a `.keras` archive (`KerasTemplate`).
    ///
    /// - Throws: the registry's errors; `KerasError.needsModelConfiguration` when the first input
    ///   is no `.keras` archive, or the template's errors.
    func writer(for path: String, firstInput: TensorStore?) throws -> (format: CheckpointFormat, writer: any CheckpointWriter) {
        let chosen = try writer(for: path)
        guard chosen.format.name == .keras else { return chosen }
        guard let firstInput else { throw KerasError.needsModelConfiguration(output: path, firstInput: nil) }
        return (chosen.format, KerasWriter(template: try KerasTemplate(store: firstInput, output: path)))
    }
}
