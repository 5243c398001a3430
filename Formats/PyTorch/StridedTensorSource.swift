import TureenCore

/// A non-contiguous view (a transpose, a column, a slice with steps) of a storage in the file: its
/// elements are gathered by their strides into C order. Each request reads (with `pread`) only the
/// span of the storage its elements lie in, and keeps it for the next request, so a transpose,
/// whose every chunk spans the whole storage, reads the storage once. Requests come from one
/// thread at a time (`supportsConcurrentCopies` is false).
final class StridedTensorSource: TensorByteSource {
    private let file: MappedFile
    /// The storage's bytes in the file.
    private let storage: Range<Int>
    private let width: Int
    private let offset: Int
    private let shape: [Int]
    private let strides: [Int]
    private let byteCount: Int
    /// The storage elements last read, and their bytes.
    private var cachedSpan: ClosedRange<Int>?
    private var cachedBytes: [UInt8] = []

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

    func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: range.count, alignment: 16)
        defer { buffer.deallocate() }
        try copyBytes(in: range, into: buffer)
        return try body(UnsafeRawBufferPointer(buffer))
    }

    func releaseBytes(before offset: Int) {
        if offset >= byteCount {
            cachedSpan = nil
            cachedBytes = []
        }
    }

    func copyBytes(in range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard range.lowerBound >= 0, range.upperBound <= byteCount else {
            throw TensorStoreError.rangeOutsideFile(path: file.path, range: range, fileSize: byteCount)
        }
        guard !range.isEmpty else { return }
        let elements = (range.lowerBound / width)..<((range.upperBound + width - 1) / width)
        var lowest = Int.max, highest = Int.min
        walk(elements) { _, position in
            lowest = min(lowest, position)
            highest = max(highest, position)
        }
        let span = lowest...highest
        if let cachedSpan, cachedSpan.contains(span.lowerBound), cachedSpan.contains(span.upperBound) {} else {
            cachedBytes = try file.bytes(in: (storage.lowerBound + lowest * width)..<(storage.lowerBound + (highest + 1) * width))
            cachedSpan = span
        }
        let base = cachedSpan!.lowerBound
        cachedBytes.withUnsafeBytes { source in
            walk(elements) { element, position in
                let elementStart = element * width
                let lower = max(elementStart, range.lowerBound), upper = min(elementStart + width, range.upperBound)
                (buffer.baseAddress! + (lower - range.lowerBound))
                    .copyMemory(from: source.baseAddress! + (position - base) * width + (lower - elementStart), byteCount: upper - lower)
            }
        }
    }

    /// Calls `body` with each element index in `elements` and its position in the storage, in order.
    private func walk(_ elements: Range<Int>, _ body: (Int, Int) -> Void) {
        var index = [Int](repeating: 0, count: shape.count)
        var remainder = elements.lowerBound
        for dimension in shape.indices.reversed() {
            index[dimension] = remainder % shape[dimension]
            remainder /= shape[dimension]
        }
        var position = offset
        for dimension in shape.indices { position += index[dimension] * strides[dimension] }
        for element in elements {
            body(element, position)
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
