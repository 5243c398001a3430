import TureenCore

/// A non-contiguous view (a transpose, a column, a slice with steps) of a storage in the mapped
/// file: its elements are gathered by their strides into C order. Reads mapped memory only, so
/// copies may run concurrently.
final class StridedTensorSource: TensorByteSource {
    private let file: MappedFile
    /// The storage's bytes in the file.
    private let storage: Range<Int>
    private let width: Int
    private let offset: Int
    private let shape: [Int]
    private let strides: [Int]
    private let byteCount: Int

    /// A view of `shape` and `strides` (in elements) starting `offset` elements into `storage`;
    /// the caller has checked that every element lies inside the storage.
    init(file: MappedFile, storage: Range<Int>, elementWidth: Int, offset: Int, shape: [Int], strides: [Int], byteCount: Int) {
        self.file = file
        self.storage = storage
        self.width = elementWidth
        self.offset = offset
        self.shape = shape
        self.strides = strides
        self.byteCount = byteCount
    }

    var supportsConcurrentCopies: Bool { true }

    func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: range.count, alignment: 16)
        defer { buffer.deallocate() }
        try copyBytes(in: range, into: buffer)
        return try body(UnsafeRawBufferPointer(buffer))
    }

    func copyBytes(in range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard range.lowerBound >= 0, range.upperBound <= byteCount else {
            throw TensorStoreError.rangeOutsideFile(path: file.path, range: range, fileSize: byteCount)
        }
        guard !range.isEmpty else { return }
        let first = range.lowerBound / width
        let last = (range.upperBound + width - 1) / width
        try file.withUnsafeBytes(in: storage) { base in
            var index = [Int](repeating: 0, count: shape.count)
            var remainder = first
            for dimension in shape.indices.reversed() {
                index[dimension] = remainder % shape[dimension]
                remainder /= shape[dimension]
            }
            var position = offset
            for dimension in shape.indices { position += index[dimension] * strides[dimension] }
            for element in first..<last {
                let source = base.baseAddress! + position * width
                let elementStart = element * width
                let lower = max(elementStart, range.lowerBound), upper = min(elementStart + width, range.upperBound)
                (buffer.baseAddress! + (lower - range.lowerBound)).copyMemory(from: source + (lower - elementStart), byteCount: upper - lower)
                var dimension = shape.count - 1
                while dimension >= 0 {
                    index[dimension] += 1
                    position += strides[dimension]
                    if index[dimension] < shape[dimension] { break }
                    position -= strides[dimension] * shape[dimension]
                    index[dimension] = 0
                    dimension -= 1
                }
            }
        }
    }
}
