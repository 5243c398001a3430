import CHDF5
import TureenCore

/// A tensor read through libhdf5 one hyperslab window at a time (chunked, compressed, big-endian,
/// compact or unwritten datasets). libhdf5 decodes and converts to little-endian; the source keeps
/// one window in memory and serves requests from it, stitching requests that span windows.
///
/// The dataset is opened on the first read and closed, with its chunk cache and window buffer
/// freed, once the consumer releases the tensor's last byte, so a store of many compressed
/// tensors holds the memory of one at a time.
final class HyperslabTensorSource: TensorByteSource {
    private let fileHandle: HDF5Handle
    private var dataset: HDF5Handle?
    private let memoryType: HDF5Handle
    private let info: TensorInfo
    private let plan: HyperslabPlan
    private let cache: (bytes: Int, slots: Int)
    private let file: String
    private let object: String
    private var window: Range<Int> = 0..<0
    private var buffer: UnsafeMutableRawBufferPointer

    /// A source reading `info`'s bytes from dataset `object` of the open file `fileHandle` as
    /// `memoryType`, window by window, with a chunk cache of `cache.bytes` (see `ChunkedReadPlan`).
    init(fileHandle: HDF5Handle, memoryType: HDF5Handle, info: TensorInfo, plan: HyperslabPlan, cache: (bytes: Int, slots: Int), file: String, object: String) {
        self.fileHandle = fileHandle
        self.memoryType = memoryType
        self.info = info
        self.plan = plan
        self.cache = cache
        self.file = file
        self.object = object
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 16)
    }

    deinit {
        buffer.deallocate()
    }

    func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        guard range.lowerBound >= 0, range.upperBound <= info.byteCount else {
            throw TensorStoreError.rangeOutsideFile(path: file, range: range, fileSize: info.byteCount)
        }
        guard !range.isEmpty else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        if !window.contains(range.lowerBound) { try load(windowHolding: range.lowerBound) }
        if range.upperBound <= window.upperBound {
            return try body(view(range))
        }
        let stitched = UnsafeMutableRawBufferPointer.allocate(byteCount: range.count, alignment: 16)
        defer { stitched.deallocate() }
        var done = range.lowerBound
        while done < range.upperBound {
            if !window.contains(done) { try load(windowHolding: done) }
            let end = min(range.upperBound, window.upperBound)
            UnsafeMutableRawBufferPointer(rebasing: stitched[(done - range.lowerBound)..<(end - range.lowerBound)]).copyMemory(from: view(done..<end))
            done = end
        }
        return try body(UnsafeRawBufferPointer(stitched))
    }

    func releaseBytes(before offset: Int) {
        guard offset >= info.byteCount else { return }
        dataset = nil
        window = 0..<0
        buffer.deallocate()
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 16)
    }

    private func view(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[(range.lowerBound - window.lowerBound)..<(range.upperBound - window.lowerBound)])
    }

    private func load(windowHolding byte: Int) throws {
        let width = info.dtype.byteWidth
        let slab = plan.window(containing: byte / width)
        let bytes = slab.elements.count * width
        if buffer.count < bytes {
            buffer.deallocate()
            buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes, alignment: 16)
        }
        window = 0..<0
        try HDF5Library.locked {
            let dataset = try openDataset()
            try HDF5Hyperslab.transfer(slab, of: dataset, elements: slab.elements.count, file: file, object: object) { memory, fileSpace in
                H5Dread(dataset, memoryType.id, memory, fileSpace, tureen_H5P_DEFAULT(), buffer.baseAddress)
            }
        }
        window = (slab.elements.lowerBound * width)..<(slab.elements.upperBound * width)
    }

    private func openDataset() throws -> hid_t {
        if let dataset { return dataset.id }
        let opened = try HDF5DatasetReader.openDataset(object, in: fileHandle.id, file: file, cache: cache)
        dataset = opened
        return opened.id
    }
}
