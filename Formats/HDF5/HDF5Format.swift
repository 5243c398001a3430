import TureenCore

extension CheckpointFormat.Name {
    /// HDF5.
    public static let hdf5: Self = "hdf5"
}

extension CheckpointFormat {
    /// HDF5: h5py files, Keras 2 `.h5` and Keras 3 `.weights.h5`, through libhdf5.
    public static let hdf5 = CheckpointFormat(
        name: .hdf5,
        fileExtensions: ["weights.h5", "hdf5", "h5"],
        recognizesPrefix: { prefix in prefix.withUnsafeBytes { HDF5Signature.isPresent(in: $0) } },
        reader: HDF5Reader(),
        writer: HDF5Writer()
    )
}
