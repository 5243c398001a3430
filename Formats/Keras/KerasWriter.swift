import HDF5
import TureenCore
import Zip

/// Writes Keras 3 `.keras` archives that `keras.saving.load_model` opens: the template's
/// `metadata.json`, `config.json` and assets, then the tensors as a stored `model.weights.h5` in
/// Keras 3's layout, streamed into the archive (`HDF5Writer.streamKerasWeights`). The tensors
/// must be the template model's variables (names and shapes). `WriteOptions.compress` does not
/// apply: Keras stores the weights member, and readers (Tureen's own) read it in place.
public struct KerasWriter: CheckpointWriter {
    /// The Keras layout, which the weights of a `.keras` archive always take.
    public var usedOptions: Set<WriteOptions.Choice> { [.layout] }

    /// Where the configuration comes from; nil refuses every write (a `.keras` file without a
    /// configuration is no model).
    public let template: KerasTemplate?

    /// A writer taking the configuration, metadata and assets from `template`.
    public init(template: KerasTemplate? = nil) {
        self.template = template
    }

    public func write(_ content: any TensorProducer, to path: String, options: WriteOptions) throws {
        guard let template else { throw KerasError.needsModelConfiguration(output: path, firstInput: nil) }
        try template.check(content.tensors, output: path)
        let output = try OutputFile(destination: path)
        let archive = ZipArchiveWriter(output: output)
        try template.copyMembers(into: archive)
        var size = 0
        try HDF5Writer.streamKerasWeights(
            content, label: "\(path): member '\(KerasArchive.weightsName)'",
            begin: { total in
                size = total
                try archive.beginMember(name: KerasArchive.weightsName, uncompressedSize: total, compress: false)
            },
            sink: { try archive.write($0) })
        let written = try archive.finishMember()
        guard written == size else {
            throw TensorStoreError.producerShortfall(path: path, tensor: KerasArchive.weightsName, expected: size, actual: written)
        }
        try archive.finish()
        try output.commit()
    }
}
