import CHDF5
import TureenCore

/// Writes one tensor into a chunked (compressed) dataset: the producer's chunks are gathered into
/// hyperslab windows aligned to the dataset's chunk rows, and each full window goes to `H5Dwrite`.
/// Call inside `HDF5Library.locked`.
enum HDF5ChunkedStream {
    /// Streams `content.tensors[index]` into `dataset`, whose file type is `type`.
    ///
    /// - Throws: `TensorStoreError.producerShortfall` if the producer's byte count is wrong,
    ///   `HDF5Error.library` if a write fails, or the producer's errors.
    static func write(_ content: any TensorProducer, tensorAt index: Int, to dataset: HDF5Handle, type: HDF5Handle, chunkShape: [Int], file: String, object: String) throws {
        let info = content.tensors[index]
        let width = info.dtype.byteWidth
        let plan = HyperslabPlan(shape: info.shape, elementWidth: width, byteBudget: HDF5DatasetReader.windowByteBudget, chunkShape: chunkShape)
        var window = plan.window(containing: 0)
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: window.elements.count * width, alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0
        var produced = 0
        func flushWindow() throws {
            try HDF5Hyperslab.transfer(window, of: dataset.id, elements: window.elements.count, file: file, object: object) { memory, fileSpace in
                H5Dwrite(dataset.id, type.id, memory, fileSpace, tureen_H5P_DEFAULT(), buffer.baseAddress)
            }
            filled = 0
            guard window.elements.upperBound < info.elementCount else { return }
            window = plan.window(containing: window.elements.upperBound)
            if buffer.count < window.elements.count * width {
                buffer.deallocate()
                buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: window.elements.count * width, alignment: 16)
            }
        }
        try content.produce(tensorAt: index) { chunk in
            produced += chunk.count
            guard produced <= info.byteCount else { return }
            var taken = 0
            while taken < chunk.count {
                let size = window.elements.count * width
                let count = min(size - filled, chunk.count - taken)
                UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<(filled + count)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: chunk[taken..<(taken + count)]))
                filled += count
                taken += count
                if filled == size { try flushWindow() }
            }
        }
        guard produced == info.byteCount else {
            throw TensorStoreError.producerShortfall(path: file, tensor: info.name, expected: info.byteCount, actual: produced)
        }
    }
}
