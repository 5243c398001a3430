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
        let content = try Self.read(HDF5FileRegion(wholeFile: try MappedFile(path: path)), options: options)
        return try TensorStore(location: path, formatName: .hdf5, tensors: content.tensors, metadata: content.metadata)
    }

    /// The tensors and root metadata of the HDF5 file in `region`, after `HDF5Preflight.check`
    /// (when one is installed, and `preflight` is set) has parsed it in a separate process.
    ///
    /// - Throws: `HDF5Error` naming `region.label`, or `TensorStoreError` for the input file.
    package static func read(_ region: HDF5FileRegion, options: ReadOptions, preflight: Bool = true) throws -> (tensors: [StoredTensor], metadata: [String: String]) {
        let label = region.label
        guard try HDF5Signature.isPresent(in: region) else { throw HDF5Error.notHDF5(path: label) }
        if preflight { try HDF5Preflight.check?(region.file.path, region.isWholeFile ? nil : region.range) }
        return try HDF5Library.locked {
            let access = region.isWholeFile ? nil : try HDF5ByteDriver.accessProperties(for: region, file: label)
            let file = try HDF5Handle(
                H5Fopen(region.file.path, tureen_H5F_ACC_RDONLY(), access?.id ?? tureen_H5P_DEFAULT()), "open the file", file: label, object: "/")
            let datasets = try HDF5Walker.datasets(inFile: file.id, file: label)
            let tensors = try KerasLayout.name(datasets, fileID: file.id, file: label).map { entry in
                try HDF5DatasetReader.tensor(named: entry.name, at: entry.components, in: file, region: region, options: options)
            }
            return (tensors, try metadata(of: file.id, path: label))
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
