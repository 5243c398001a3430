import TureenCore

/// Splits a C-order array into bounded windows, each both one rectangular hyperslab (for
/// `H5Dread`/`H5Dwrite`) and one contiguous run of elements (for the tensor's byte stream).
///
/// The split dimension `k` is the outermost one whose inner block (the product of the dimensions
/// after it) fits the byte budget; a window fixes the indices before `k`, takes a run of rows along
/// `k` and all of every later dimension. Runs along `k` are aligned to the dataset's chunk rows so
/// each compressed chunk is decoded once.
struct HyperslabPlan: Equatable {
    /// One window: its elements in C order, and the hyperslab that holds them.
    struct Window: Equatable {
        /// The window's element indices (flattened, C order).
        let elements: Range<Int>
        /// The hyperslab's first index in each dimension.
        let start: [Int]
        /// The hyperslab's extent in each dimension.
        let count: [Int]
    }

    /// The array's dimensions.
    let shape: [Int]
    /// The dimension windows run along.
    let splitDimension: Int
    /// The number of elements after `splitDimension` (one row).
    let rowElements: Int
    /// The most rows a window holds.
    let rowsPerWindow: Int

    /// A plan for `shape` with elements of `elementWidth` bytes, windows of at most `byteBudget`
    /// bytes where possible (never less than one element), aligned to `chunkShape` when given.
    init(shape: [Int], elementWidth: Int, byteBudget: Int, chunkShape: [Int]? = nil) {
        self.shape = shape
        var split = max(shape.count - 1, 0)
        var inner = 1
        for dimension in stride(from: shape.count - 1, through: 0, by: -1) {
            let next = CheckedArithmetic.multiply(inner, shape[dimension])
            guard let next, let bytes = CheckedArithmetic.multiply(next, elementWidth), bytes <= byteBudget, dimension > 0 else {
                split = dimension
                break
            }
            inner = next
        }
        splitDimension = split
        rowElements = inner
        let rows = shape.isEmpty ? 1 : max(1, min(shape[split], byteBudget / max(1, inner * elementWidth)))
        if let chunkShape, chunkShape.count == shape.count, !shape.isEmpty, chunkShape[split] > 0, rows >= chunkShape[split] {
            rowsPerWindow = rows / chunkShape[split] * chunkShape[split]
        } else {
            rowsPerWindow = rows
        }
    }

    /// The window holding element `element` (which must be inside the array).
    func window(containing element: Int) -> Window {
        guard !shape.isEmpty else { return Window(elements: 0..<1, start: [], count: []) }
        let rows = shape[splitDimension]
        let lineElements = rows * rowElements
        let line = element / lineElements
        let rowStart = (element % lineElements) / rowElements / rowsPerWindow * rowsPerWindow
        let rowEnd = min(rowStart + rowsPerWindow, rows)
        var start = [Int](repeating: 0, count: shape.count)
        var count = shape
        var remaining = line
        for dimension in stride(from: splitDimension - 1, through: 0, by: -1) {
            start[dimension] = remaining % shape[dimension]
            remaining /= shape[dimension]
            count[dimension] = 1
        }
        start[splitDimension] = rowStart
        count[splitDimension] = rowEnd - rowStart
        let first = line * lineElements + rowStart * rowElements
        return Window(elements: first..<(first + (rowEnd - rowStart) * rowElements), start: start, count: count)
    }
}
