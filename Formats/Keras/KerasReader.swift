import HDF5
import TureenCore

/// Reads Keras 3 `.keras` archives: the tensors of the stored `model.weights.h5`, named as in a
/// `.weights.h5` file (`layers.dense.vars.0`), read in place. libhdf5 parses the member through
/// Tureen's byte driver, after the HDF5 preflight has parsed it in a separate process; tensor
/// bytes are read from the archive with `pread`. The configuration is left to the writer
/// (`KerasTemplate`).
public struct KerasReader: CheckpointReader {
    /// A reader.
    public init() {}

    public func open(_ path: String, options: ReadOptions) throws -> TensorStore {
        let archive = try KerasArchive(try MappedFile(path: path))
        let content = try HDF5Reader.read(try archive.weightsRegion(), options: options)
        return try TensorStore(location: path, formatName: .keras, tensors: content.tensors, metadata: content.metadata)
    }
}
