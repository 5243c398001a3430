import CHDF5

/// Owns one libhdf5 identifier (file, group, dataset, datatype, dataspace, property list or
/// attribute) and releases it, under the library lock, when dropped.
final class HDF5Handle {
    /// The identifier.
    let id: hid_t
    private var isOpen = true

    /// Takes ownership of `id`, which must be valid (checked by the caller with `HDF5Library.check`).
    init(_ id: hid_t) {
        self.id = id
    }

    /// Wraps the result of a libhdf5 call that returns an identifier, throwing its error if it failed.
    convenience init(_ id: hid_t, _ operation: @autoclosure () -> String, file: String, object: String) throws {
        try HDF5Library.check(id, operation(), file: file, object: object)
        self.init(id)
    }

    /// Closes the identifier now with `close` (e.g. `H5Fclose`, to learn whether the final flush
    /// worked) instead of when the handle is dropped.
    ///
    /// - Throws: `HDF5Error.library` if `close` fails.
    func close(with close: (hid_t) -> herr_t, file: String, object: String) throws {
        guard isOpen else { return }
        isOpen = false
        try HDF5Library.locked { try HDF5Library.check(close(id), "close it", file: file, object: object) }
    }

    deinit {
        if isOpen { HDF5Library.locked { _ = H5Idec_ref(id) } }
    }
}
