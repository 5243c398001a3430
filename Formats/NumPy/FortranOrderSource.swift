import TureenCore

/// Serves a Fortran-order (column-major) array in C order by gathering elements from the whole
/// column-major data, which the base must serve at once (a `MaterializedSource`).
final class FortranOrderSource: TensorByteSource {
    private let base: any TensorByteSource
    private let shape: [Int]
    private let elementWidth: Int
    private let byteCount: Int
    /// Element strides of the column-major layout, per C-order axis.
    private let columnMajorStrides: [Int]
    private var buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    /// Transposes `base`, which holds `info`'s elements in column-major order.
    init(base: any TensorByteSource, info: TensorInfo) {
        self.base = base
        self.shape = info.shape
        self.elementWidth = info.dtype.byteWidth
        self.byteCount = info.byteCount
        var strides: [Int] = []
        var stride = 1
        for dimension in info.shape {
            strides.append(stride)
            stride &*= dimension
        }
        self.columnMajorStrides = strides
    }

    deinit {
        buffer.deallocate()
    }

    func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        guard range.lowerBound >= 0, range.upperBound <= byteCount,
              range.lowerBound % elementWidth == 0, range.upperBound % elementWidth == 0 else {
            throw TensorStoreError.rangeOutsideFile(path: "<fortran-order>", range: range, fileSize: byteCount)
        }
        if buffer.count < range.count {
            buffer.deallocate()
            buffer = .allocate(byteCount: range.count, alignment: 16)
        }
        let output = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<range.count])
        try base.withBytes(in: 0..<byteCount) { input in
            gather(from: input, firstElement: range.lowerBound / elementWidth, into: output)
        }
        return try body(UnsafeRawBufferPointer(output))
    }

    func releaseBytes(before offset: Int) {
        if offset >= byteCount { base.releaseBytes(before: byteCount) }
    }

    /// Walks C-order indices from `firstElement`, copying each element from its column-major place.
    private func gather(from input: UnsafeRawBufferPointer, firstElement: Int, into output: UnsafeMutableRawBufferPointer) {
        let count = output.count / elementWidth
        guard count > 0 else { return }
        var index = [Int](repeating: 0, count: shape.count)
        var remainder = firstElement
        for axis in shape.indices.reversed() {
            index[axis] = remainder % shape[axis]
            remainder /= shape[axis]
        }
        var source = zip(index, columnMajorStrides).reduce(0) { $0 + $1.0 * $1.1 }
        let last = shape.count - 1
        for element in 0..<count {
            output.baseAddress!.advanced(by: element * elementWidth)
                .copyMemory(from: input.baseAddress!.advanced(by: source * elementWidth), byteCount: elementWidth)
            var axis = last
            while axis >= 0 {
                index[axis] += 1
                source += columnMajorStrides[axis]
                if index[axis] < shape[axis] { break }
                source -= columnMajorStrides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
