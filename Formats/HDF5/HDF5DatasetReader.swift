import CHDF5
import TureenCore

/// Turns one dataset into a tensor: checks that its data lives inside the file and that its size is
/// plausible, then serves contiguous, unfiltered little-endian data zero-copy from the mapped file
/// and everything else (chunked, compressed, big-endian, compact, never written) through libhdf5,
/// one bounded hyperslab at a time.
enum HDF5DatasetReader {
    /// The most bytes one hyperslab read decodes.
    static let windowByteBudget = 8 << 20
    /// The chunk cache of a dataset opened for inspection; reads size it with `ChunkedReadPlan`.
    static let chunkCacheBytes = 16 << 20
    /// How far a chunked dataset may exceed the file's size (deflate expands at most ~1032×).
    static let compressionBound = 1100

    /// The tensor `name` stored at `components` in the open file `fileHandle`, whose bytes are `region`.
    ///
    /// - Throws: `HDF5Error` for data outside the file (external storage, virtual datasets),
    ///   implausible sizes, unavailable filters and non-tensor types; `.library` on libhdf5 errors.
    static func tensor(named name: String, at components: [String], in fileHandle: HDF5Handle, region: HDF5FileRegion, options: ReadOptions) throws -> StoredTensor {
        let file = region.label
        let object = "/" + components.joined(separator: "/")
        func handle(_ id: hid_t, _ operation: String) throws -> HDF5Handle { try HDF5Handle(id, operation, file: file, object: object) }
        func check(_ status: some BinaryInteger, _ operation: String) throws { try HDF5Library.check(status, operation, file: file, object: object) }

        let dataset = try openDataset(object, in: fileHandle.id, file: file)
        let space = try handle(H5Dget_space(dataset.id), "read the dataspace")
        guard H5Sget_simple_extent_type(space.id) != H5S_NULL else {
            throw HDF5Error.unsupportedType(path: file, object: object, detail: "its dataspace is null (it holds no array)")
        }
        let rank = Int(try HDF5Library.check(H5Sget_simple_extent_ndims(space.id), "read the rank", file: file, object: object))
        var dimensions = [hsize_t](repeating: 0, count: rank)
        try check(H5Sget_simple_extent_dims(space.id, &dimensions, nil), "read the dimensions")
        let shape = try dimensions.map { dimension -> Int in
            guard let value = CheckedArithmetic.int(UInt64(dimension)) else {
                throw TensorStoreError.sizeOverflow(path: file, tensor: name, detail: "dimension \(dimension) does not fit in 64 bits")
            }
            return value
        }
        let type = try handle(H5Dget_type(dataset.id), "read the datatype")
        let element = try HDF5ElementType.classify(type.id, dataset: dataset.id, file: file, object: object, options: options)
        let info = try TensorInfo(name: name, dtype: element.dtype, shape: shape, file: file)

        let creation = try handle(H5Dget_create_plist(dataset.id), "read the dataset's properties")
        let layout = H5Pget_layout(creation.id)
        if layout == H5D_VIRTUAL { throw HDF5Error.virtualDataset(path: file, object: object) }
        if H5Pget_external_count(creation.id) > 0 { throw HDF5Error.externalStorage(path: file, object: object) }
        let filterCount = Int(try HDF5Library.check(H5Pget_nfilters(creation.id), "read the filters", file: file, object: object))
        try checkFiltersAvailable(creation.id, count: filterCount, file: file, object: object)

        let limit = layout == H5D_CHUNKED ? region.size.multipliedReportingOverflow(by: compressionBound).partialValue + (1 << 20) : region.size
        guard info.byteCount <= limit else {
            throw HDF5Error.shapeBomb(path: file, object: object, declaredBytes: info.byteCount, limit: limit)
        }
        if layout == H5D_CONTIGUOUS, filterCount == 0, element.isRawLittleEndian {
            let offset = H5Dget_offset(dataset.id)
            if offset != tureen_HADDR_UNDEF() {
                guard let start = CheckedArithmetic.int(UInt64(offset)), let end = CheckedArithmetic.sum(start, info.byteCount), end <= region.size else {
                    throw HDF5Error.dataOutsideFile(path: file, object: object, end: Int(clamping: offset) &+ info.byteCount, fileSize: region.size)
                }
                let base = region.range.lowerBound
                return StoredTensor(info: info, source: try MappedTensorSource(file: region.file, fileRange: (base + start)..<(base + end)))
            }
        }
        guard info.byteCount > 0 else { return StoredTensor(info: info, source: MemoryTensorSource(bytes: [])) }
        var plan = HyperslabPlan(shape: shape, elementWidth: info.dtype.byteWidth, byteBudget: windowByteBudget)
        var cache = (bytes: chunkCacheBytes, slots: 12_421)
        if layout == H5D_CHUNKED, !shape.isEmpty {
            var chunk = [hsize_t](repeating: 0, count: rank)
            try check(H5Pget_chunk(creation.id, Int32(rank), &chunk), "read the chunk shape")
            let chunked = try ChunkedReadPlan(shape: shape, chunkShape: chunk.map { Int(clamping: $0) }, elementWidth: info.dtype.byteWidth,
                                              byteBudget: windowByteBudget, file: file, object: object)
            plan = chunked.windows
            cache = (chunked.cacheBytes, chunked.cacheSlots)
        }
        let source = HyperslabTensorSource(fileHandle: fileHandle, memoryType: element.memoryType, info: info, plan: plan, cache: cache, file: file, object: object)
        return StoredTensor(info: info, source: source)
    }

    /// Opens dataset `object` with a chunk cache of `cache.bytes` in `cache.slots` hash slots.
    ///
    /// - Throws: `HDF5Error.library` if it cannot be opened.
    static func openDataset(_ object: String, in fileID: hid_t, file: String, cache: (bytes: Int, slots: Int) = (chunkCacheBytes, 12_421)) throws -> HDF5Handle {
        let access = try HDF5Handle(H5Pcreate(tureen_H5P_DATASET_ACCESS()), "create dataset access properties", file: file, object: object)
        try HDF5Library.check(H5Pset_chunk_cache(access.id, cache.slots, cache.bytes, 1.0), "size the chunk cache", file: file, object: object)
        return try HDF5Handle(H5Dopen2(fileID, object, access.id), "open the dataset", file: file, object: object)
    }

    private static func checkFiltersAvailable(_ creation: hid_t, count: Int, file: String, object: String) throws {
        for index in 0..<count {
            var flags: UInt32 = 0
            var valueCount = 0
            var name = [CChar](repeating: 0, count: 256)
            var configuration: UInt32 = 0
            let filter = H5Pget_filter2(creation, UInt32(index), &flags, &valueCount, nil, name.count, &name, &configuration)
            try HDF5Library.check(filter, "read filter \(index)", file: file, object: object)
            guard H5Zfilter_avail(filter) > 0 else {
                let label = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                throw HDF5Error.unavailableFilter(path: file, object: object, filter: "filter \(filter)" + (label.isEmpty ? "" : " (\(label))"))
            }
        }
    }
}
