import CHDF5

/// Selects one `HyperslabPlan` window in a dataset's file space and a matching one-dimensional
/// memory space, for `H5Dread` and `H5Dwrite` alike. Call inside `HDF5Library.locked`.
enum HDF5Hyperslab {
    /// Calls `transfer` with the memory and file dataspaces of `window` in `dataset`.
    ///
    /// - Throws: `HDF5Error.library` if a dataspace cannot be made or `transfer` fails.
    static func transfer(
        _ window: HyperslabPlan.Window, of dataset: hid_t, elements: Int, file: String, object: String,
        _ transfer: (_ memorySpace: hid_t, _ fileSpace: hid_t) -> herr_t
    ) throws {
        guard !window.start.isEmpty else {
            try HDF5Library.check(transfer(tureen_H5S_ALL(), tureen_H5S_ALL()), "transfer the data", file: file, object: object)
            return
        }
        let fileSpace = try HDF5Handle(H5Dget_space(dataset), "read the dataspace", file: file, object: object)
        let start = window.start.map { hsize_t($0) }
        let count = window.count.map { hsize_t($0) }
        try HDF5Library.check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, start, nil, count, nil), "select a hyperslab", file: file, object: object)
        var length = hsize_t(elements)
        let memorySpace = try HDF5Handle(H5Screate_simple(1, &length, nil), "create a memory dataspace", file: file, object: object)
        try HDF5Library.check(transfer(memorySpace.id, fileSpace.id), "transfer elements \(window.elements)", file: file, object: object)
    }
}
