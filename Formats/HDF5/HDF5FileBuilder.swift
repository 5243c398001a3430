import CHDF5
#if canImport(Glibc)
import Glibc
#endif
import TureenCore

/// Lays out an HDF5 file with libhdf5: groups (recording creation order, so tensors read back in
/// the order they were written), one dataset per tensor, the `dtype` attributes of opaque
/// datasets, and metadata as root attributes. Use inside `HDF5Library.locked`.
///
/// Every handle it opens is closed by `close()` (checked: a final flush that fails is an error)
/// or, on an error path, by `abandon()`. None may be left to libhdf5: a dataset whose close failed
/// (its chunk cache could not be flushed to a full disk) stays in libhdf5's tables, and libhdf5's
/// own exit handler then crashes closing it again (`H5D_close` under `H5_term_library`, SIGSEGV
/// after the error was reported).
final class HDF5FileBuilder {
    /// The target size of one compressed chunk.
    static let chunkByteTarget = 1 << 20
    /// The deflate level for `--compress` (h5py's default for `compression="gzip"`).
    static let deflateLevel: UInt32 = 4

    /// Where the file is created: a file on disk, or an image in memory (`HDF5MemoryImage`).
    enum Destination {
        case file(path: String)
        case image(HDF5MemoryImage)
    }

    private let file: HDF5Handle
    private let path: String
    private let destination: Destination
    private var groups: [[String]: HDF5Handle] = [:]
    /// Datasets created and not yet closed with `closeDataset(_:)`, with their file types.
    private var openDatasets: [(dataset: HDF5Handle, type: HDF5Handle)] = []

    /// Creates (truncating) the HDF5 file at `destination`; errors name `path`.
    ///
    /// - Throws: `HDF5Error.library` if libhdf5 cannot create it.
    init(creating destination: Destination, reportingAs path: String) throws {
        self.path = path
        self.destination = destination
        let creation = try HDF5Handle(H5Pcreate(tureen_H5P_FILE_CREATE()), "create file properties", file: path, object: "/")
        try HDF5Library.check(H5Pset_link_creation_order(creation.id, UInt32(H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED)),
                              "track creation order", file: path, object: "/")
        let access: HDF5Handle
        let name: String
        switch destination {
        case let .file(fileSystemPath):
            access = try HDF5Handle(H5Pcreate(tureen_H5P_FILE_ACCESS()), "create file access properties", file: path, object: "/")
            name = fileSystemPath
        case let .image(image):
            access = try HDF5ByteDriver.accessProperties(for: image, file: path)
            name = path
        }
        // Closing the file closes every object in it, so nothing flushes after `close()` returns.
        try HDF5Library.check(H5Pset_fclose_degree(access.id, H5F_CLOSE_STRONG), "set the close degree", file: path, object: "/")
        file = try HDF5Handle(H5Fcreate(name, tureen_H5F_ACC_TRUNC(), creation.id, access.id), "create the file", file: path, object: "/")
        groups[[]] = try HDF5Handle(H5Gopen2(file.id, "/", tureen_H5P_DEFAULT()), "open the root group", file: path, object: "/")
    }

    /// The group at `components`, created (with its parents) if needed.
    ///
    /// - Throws: `HDF5Error.library` if it cannot be created.
    func group(at components: [String]) throws -> hid_t {
        if let existing = groups[components] { return existing.id }
        let parent = try group(at: Array(components.dropLast()))
        let object = "/" + components.joined(separator: "/")
        let creation = try HDF5Handle(H5Pcreate(tureen_H5P_GROUP_CREATE()), "create group properties", file: path, object: object)
        try HDF5Library.check(H5Pset_link_creation_order(creation.id, UInt32(H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED)),
                              "track creation order", file: path, object: object)
        let made = try HDF5Handle(H5Gcreate2(parent, components.last!, tureen_H5P_DEFAULT(), creation.id, tureen_H5P_DEFAULT()),
                                  "create the group", file: path, object: object)
        groups[components] = made
        return made.id
    }

    /// Creates the dataset for `info` at `components`: contiguous with its space allocated now
    /// (and no fill, since the caller writes every byte), or, when `compressed`, chunked with
    /// shuffle and deflate. Scalars and empty tensors are always contiguous.
    ///
    /// - Throws: `HDF5Error.library` if libhdf5 refuses.
    func createDataset(_ info: TensorInfo, at components: [String], compressed: Bool) throws -> (dataset: HDF5Handle, type: HDF5Handle, chunkShape: [Int]?) {
        let object = "/" + components.joined(separator: "/")
        func check(_ status: herr_t, _ operation: String) throws { try HDF5Library.check(status, operation, file: path, object: object) }
        let parent = try group(at: Array(components.dropLast()))
        let type = try HDF5TypeFactory.fileType(for: info.dtype, file: path, object: object)
        var dimensions = info.shape.map { hsize_t($0) }
        let space = info.shape.isEmpty
            ? try HDF5Handle(H5Screate(H5S_SCALAR), "create a scalar dataspace", file: path, object: object)
            : try HDF5Handle(H5Screate_simple(Int32(info.shape.count), &dimensions, nil), "create the dataspace", file: path, object: object)
        let creation = try HDF5Handle(H5Pcreate(tureen_H5P_DATASET_CREATE()), "create dataset properties", file: path, object: object)
        let chunkShape = compressed && info.elementCount > 0 && !info.shape.isEmpty ? Self.chunkShape(for: info) : nil
        if let chunkShape {
            var chunk = chunkShape.map { hsize_t($0) }
            try check(H5Pset_chunk(creation.id, Int32(chunk.count), &chunk), "set the chunk shape")
            try check(H5Pset_shuffle(creation.id), "add the shuffle filter")
            try check(H5Pset_deflate(creation.id, Self.deflateLevel), "add the deflate filter")
        } else {
            try check(H5Pset_layout(creation.id, H5D_CONTIGUOUS), "make the dataset contiguous")
            try check(H5Pset_alloc_time(creation.id, H5D_ALLOC_TIME_EARLY), "allocate the dataset early")
        }
        try check(H5Pset_fill_time(creation.id, H5D_FILL_TIME_NEVER), "turn off fill values")
        let dataset = try HDF5Handle(
            H5Dcreate2(parent, components.last!, type.id, space.id, tureen_H5P_DEFAULT(), creation.id, tureen_H5P_DEFAULT()),
            "create the dataset", file: path, object: object)
        openDatasets.append((dataset, type))
        if let name = HDF5TypeFactory.opaqueDTypeName(info.dtype) {
            try HDF5Attributes.writeString(name, named: "dtype", on: dataset.id, file: path, object: object)
        }
        return (dataset, type, chunkShape)
    }

    /// Closes a dataset made by `createDataset`, flushing its chunk cache.
    ///
    /// - Throws: `HDF5Error.library` if the flush or the close fails (the disk is full).
    func closeDataset(_ dataset: HDF5Handle, object: String) throws {
        guard let index = openDatasets.firstIndex(where: { $0.dataset === dataset }) else { return }
        let closing = openDatasets.remove(at: index)
        try closing.dataset.close(with: H5Dclose, file: path, object: object)
        try closing.type.close(with: H5Tclose, file: path, object: object)
    }

    /// Writes `metadata` as string attributes of the root group.
    ///
    /// - Throws: `HDF5Error.library` if an attribute cannot be written.
    func writeMetadata(_ metadata: [String: String]) throws {
        let root = try group(at: [])
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            try HDF5Attributes.writeString(value, named: key, on: root, file: path, object: "/")
        }
    }

    /// Closes every object and the file, flushing libhdf5's metadata.
    ///
    /// - Throws: `HDF5Error.library` if the final flush fails.
    func close() throws {
        while let (dataset, type) = openDatasets.popLast() {
            try dataset.close(with: H5Dclose, file: path, object: "/")
            try type.close(with: H5Tclose, file: path, object: "/")
        }
        for (components, group) in groups.sorted(by: { $0.key.count > $1.key.count }) {
            try group.close(with: H5Gclose, file: path, object: "/" + components.joined(separator: "/"))
        }
        groups.removeAll()
        try file.close(with: H5Fclose, file: path, object: "/")
    }

    /// On an error path: empties the file (it is a temporary that will be removed, and on a full
    /// disk this frees the space libhdf5's closing flushes need), then closes every handle still
    /// open, innermost first, ignoring their errors.
    func abandon() {
        if case let .file(fileSystemPath) = destination { _ = truncate(fileSystemPath, 0) }
        while let (dataset, type) = openDatasets.popLast() {
            try? dataset.close(with: H5Dclose, file: path, object: "/")
            try? type.close(with: H5Tclose, file: path, object: "/")
        }
        for (_, group) in groups.sorted(by: { $0.key.count > $1.key.count }) {
            try? group.close(with: H5Gclose, file: path, object: "/")
        }
        groups.removeAll()
        try? file.close(with: H5Fclose, file: path, object: "/")
    }

    /// Chunks of about `chunkByteTarget` bytes: whole inner dimensions, cut along outer ones.
    static func chunkShape(for info: TensorInfo) -> [Int] {
        func bytes(_ dimensions: ArraySlice<Int>) -> Int {
            CheckedArithmetic.product(Array(dimensions)).flatMap { CheckedArithmetic.multiply($0, info.dtype.byteWidth) } ?? .max
        }
        var chunk = info.shape.map { max($0, 1) }
        var dimension = 0
        while dimension < chunk.count, bytes(chunk[...]) > chunkByteTarget {
            chunk[dimension] = max(1, min(chunk[dimension], chunkByteTarget / max(bytes(chunk[(dimension + 1)...]), 1)))
            dimension += 1
        }
        return chunk
    }
}
