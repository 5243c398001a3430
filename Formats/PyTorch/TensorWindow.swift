import TureenCore

/// A tensor's window onto its storage, checked: ranks agree, nothing is negative, and every
/// element the sizes and strides reach lies inside the storage (checked 64-bit arithmetic).
struct TensorWindow {
    let record: TensorRecord
    let elementWidth: Int
    let storageElements: Int
    let elementCount: Int

    init(record: TensorRecord, name: String, path: String) throws {
        func bad(_ detail: String) -> PyTorchError { .badTensor(path: path, tensor: name, detail: detail) }
        let storage = record.storage
        elementWidth = record.dtype.byteWidth
        if storage.isUntyped {
            guard storage.elementCount % elementWidth == 0 else {
                throw bad("its \(storage.elementCount)-byte storage is not a whole number of \(record.dtype) elements")
            }
            storageElements = storage.elementCount / elementWidth
        } else {
            guard storage.dtype == record.dtype else { throw bad("a \(record.dtype) tensor on a \(storage.dtype) storage") }
            storageElements = storage.elementCount
        }
        guard record.shape.count == record.strides.count else {
            throw bad("size \(record.shape) and stride \(record.strides) have different ranks")
        }
        guard record.shape.allSatisfy({ $0 >= 0 }) else { throw bad("size \(record.shape) has a negative dimension") }
        guard record.strides.allSatisfy({ $0 >= 0 }) else { throw bad("stride \(record.strides) is negative") }
        guard record.offset >= 0 else { throw bad("storage offset \(record.offset) is negative") }
        guard let count = CheckedArithmetic.product(record.shape) else { throw bad("size \(record.shape) overflows 64 bits") }
        elementCount = count
        if count > 0 {
            var last = record.offset
            for (size, stride) in zip(record.shape, record.strides) {
                guard let reach = CheckedArithmetic.multiply(size - 1, stride), let sum = CheckedArithmetic.sum(last, reach) else {
                    throw bad("size \(record.shape) and stride \(record.strides) overflow 64 bits")
                }
                last = sum
            }
            guard last < storageElements else {
                throw bad("size \(record.shape), stride \(record.strides) and offset \(record.offset) reach element \(last) but its storage '\(storage.key)' holds \(storageElements)")
            }
        }
        if zip(record.shape, record.strides).contains(where: { $0.0 > 1 && $0.1 == 0 }),
           let bytes = CheckedArithmetic.multiply(count, elementWidth), bytes > Self.maximumBroadcastBytes {
            throw bad("a zero stride expands \(storageElements) stored elements to \(count); refusing broadcasts over \(Self.maximumBroadcastBytes >> 30) GiB")
        }
        self.record = record
    }

    /// Zero-stride (broadcast) tensors are expanded, up to this many bytes: beyond it a few stored
    /// bytes could claim exabytes of output.
    static let maximumBroadcastBytes = 1 << 30

    /// Whether the elements lie in C order without gaps, so they can be served as one byte range.
    var isContiguous: Bool {
        var expected = 1
        for (size, stride) in zip(record.shape, record.strides).reversed() where size != 1 {
            if stride != expected { return false }
            expected *= size
        }
        return true
    }

    /// The source of the tensor's bytes, given where its storage lies in the file.
    func source(file: MappedFile, storage: Range<Int>) throws -> any TensorByteSource {
        if elementCount == 0 { return MemoryTensorSource(bytes: []) }
        if isContiguous {
            let start = storage.lowerBound + record.offset * elementWidth
            return try MappedTensorSource(file: file, fileRange: start..<(start + elementCount * elementWidth))
        }
        return StridedTensorSource(
            file: file, storage: storage, elementWidth: elementWidth, offset: record.offset, shape: record.shape,
            strides: record.strides, byteCount: elementCount * elementWidth
        )
    }
}
