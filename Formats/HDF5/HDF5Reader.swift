import CHDF5
import TureenCore

/// Reads HDF5 files (h5py files, Keras 2 `.h5`, Keras 3 `.weights.h5`) through libhdf5: every
/// numeric dataset in every group is a tensor (see `HDF5Names`, `KerasLayout`), every scalar
/// string attribute of the root group is metadata.
public struct HDF5Reader: CheckpointReader {
    /// A reader.
    public init() {}

    /// Opens `path`, after `HDF5Preflight.check` (when one is installed) has parsed it in a separate process.
    public func open(_ path: String, options: ReadOptions) throws -> TensorStore {
        try Self.open(path, options: options, preflight: HDF5Preflight.check)
    }

    /// Opens `path` in this process only: what the separate process of `HDF5Preflight` runs.
    static func openWithoutPreflight(_ path: String, options: ReadOptions) throws -> TensorStore {
        try open(path, options: options, preflight: nil)
    }

    private static func open(_ path: String, options: ReadOptions, preflight: (@Sendable (String) throws -> Void)?) throws -> TensorStore {
        let mapped = try MappedFile(path: path)
        guard try HDF5Signature.isPresent(in: mapped) else { throw HDF5Error.notHDF5(path: path) }
        try preflight?(path)
        return try HDF5Library.locked {
            let file = try HDF5Handle(H5Fopen(path, tureen_H5F_ACC_RDONLY(), tureen_H5P_DEFAULT()), "open the file", file: path, object: "/")
            let datasets = try HDF5Walker.datasets(inFile: file.id, file: path)
            let tensors = try KerasLayout.name(datasets, fileID: file.id, file: path).map { entry in
                try HDF5DatasetReader.tensor(named: entry.name, at: entry.components, in: file, mapped: mapped, options: options)
            }
            return try TensorStore(location: path, formatName: .hdf5, tensors: tensors, metadata: try metadata(of: file.id, path: path))
        }
    }

    private static func metadata(of file: hid_t, path: String) throws -> [String: String] {
        let root = try HDF5Handle(H5Gopen2(file, "/", tureen_H5P_DEFAULT()), "open the root group", file: path, object: "/")
        var metadata: [String: String] = [:]
        for name in try HDF5Attributes.names(of: root.id, file: path, path: "/") {
            if let value = try HDF5Attributes.strings(of: root.id, named: name, scalarOnly: true, file: path, object: "/")?.first {
                metadata[name] = value
            }
        }
        return metadata
    }
}
