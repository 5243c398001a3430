import TureenCore

/// How a chunked dataset is read in C order so that libhdf5 decodes every chunk once, with bounded
/// memory and bounded bookkeeping.
///
/// libhdf5 decodes a whole chunk to serve any part of it, and keeps decoded chunks only in the
/// dataset's chunk cache; a chunk larger than the cache is decoded again for every read that
/// touches it (an 800 MB gzip chunk read in 8 MiB windows was decoded 100 times). So the cache is
/// sized to the chunks that one window leaves partly unread for later windows (the *band*), and
/// each `H5Dread` touches a bounded number of chunks: libhdf5 builds several KB of bookkeeping
/// per chunk a read touches (2 M one-element chunks in one read took 12.7 GB).
struct ChunkedReadPlan: Equatable {
    /// The most bytes one decoded chunk may take.
    static let maximumChunkBytes = 1 << 30
    /// The most bytes of decoded chunks held at once (the band).
    static let maximumBandBytes = 1 << 30
    /// The most chunks held at once (libhdf5 keeps an entry of its own for each).
    static let maximumBandChunks = 1 << 20
    /// The most chunks one `H5Dread` may touch.
    static let maximumChunksPerRead = 4096

    /// The windows.
    let windows: HyperslabPlan
    /// The chunk cache's size in bytes: the band.
    let cacheBytes: Int
    /// The chunk cache's hash table size: a prime, about ten per chunk in the band, as libhdf5 advises.
    let cacheSlots: Int

    /// A plan for a dataset of `shape` stored in chunks of `chunkShape`, elements of `elementWidth`
    /// bytes, windows of at most `byteBudget` bytes.
    ///
    /// - Throws: `HDF5Error.chunkMemory` if one chunk, or the band, needs more memory than the limits.
    init(shape: [Int], chunkShape: [Int], elementWidth: Int, byteBudget: Int, file: String, object: String) throws {
        let chunk = zip(shape, chunkShape).map { max(1, min($0.0, $0.1)) }
        guard chunk.count == shape.count, !shape.isEmpty,
              let chunkElements = CheckedArithmetic.product(chunkShape.map { max($0, 1) }),
              let chunkBytes = CheckedArithmetic.multiply(chunkElements, elementWidth), chunkBytes <= Self.maximumChunkBytes else {
            throw HDF5Error.chunkMemory(path: file, object: object, chunkShape: chunkShape, what: "one chunk", limit: Self.maximumChunkBytes)
        }
        var budget = byteBudget
        var windows = HyperslabPlan(shape: shape, elementWidth: elementWidth, byteBudget: budget, chunkShape: chunk)
        while Self.chunksPerWindow(windows, chunk: chunk) > Self.maximumChunksPerRead, budget > elementWidth {
            budget /= 2
            windows = HyperslabPlan(shape: shape, elementWidth: elementWidth, byteBudget: budget, chunkShape: chunk)
        }
        let band = Self.bandChunks(windows, chunk: chunk)
        guard band <= Self.maximumBandChunks, let bandBytes = CheckedArithmetic.multiply(band, chunkBytes), bandBytes <= Self.maximumBandBytes else {
            throw HDF5Error.chunkMemory(path: file, object: object, chunkShape: chunkShape, what: "the \(band) chunks a read in C order keeps partly read", limit: Self.maximumBandBytes)
        }
        self.windows = windows
        cacheBytes = bandBytes
        cacheSlots = Self.prime(atLeast: min(max(band * 10, 521), 10 * Self.maximumBandChunks))
    }

    /// The chunks along each dimension after the split one: a window spans all of them.
    private static func chunksAfterSplit(_ windows: HyperslabPlan, chunk: [Int]) -> Int {
        var count = 1
        for dimension in (windows.splitDimension + 1)..<max(windows.shape.count, windows.splitDimension + 1) {
            count = count.multipliedReportingOverflow(by: (windows.shape[dimension] + chunk[dimension] - 1) / chunk[dimension]).partialValue
        }
        return count
    }

    /// The chunks one window touches along the split dimension: whole chunk rows when windows are
    /// aligned to them; one chunk row when windows divide it; otherwise a window may straddle two.
    private static func chunksAlongSplit(_ windows: HyperslabPlan, chunk: [Int]) -> Int {
        let rows = windows.rowsPerWindow
        let chunkRows = chunk[windows.splitDimension]
        let touched: Int
        if rows % chunkRows == 0 {
            touched = rows / chunkRows
        } else if rows < chunkRows {
            touched = chunkRows % rows == 0 ? 1 : 2
        } else {
            touched = rows / chunkRows + 2
        }
        return min(touched, (windows.shape[windows.splitDimension] + chunkRows - 1) / chunkRows)
    }

    private static func chunksPerWindow(_ windows: HyperslabPlan, chunk: [Int]) -> Int {
        chunksAlongSplit(windows, chunk: chunk).multipliedReportingOverflow(by: chunksAfterSplit(windows, chunk: chunk)).partialValue
    }

    /// The chunks that must stay decoded for each to be decoded once. When a chunk spans several
    /// indices of a dimension before the split one, the next line of windows comes back to it, so
    /// every chunk of the line stays; otherwise only those the current window leaves partly read.
    private static func bandChunks(_ windows: HyperslabPlan, chunk: [Int]) -> Int {
        let split = windows.splitDimension
        let linesShareChunks = (0..<split).contains { chunk[$0] > 1 }
        let alongSplit = linesShareChunks
            ? (windows.shape[split] + chunk[split] - 1) / chunk[split]
            : chunksAlongSplit(windows, chunk: chunk)
        return alongSplit.multipliedReportingOverflow(by: chunksAfterSplit(windows, chunk: chunk)).partialValue
    }

    private static func prime(atLeast value: Int) -> Int {
        var candidate = value | 1
        while (stride(from: 3, through: Int(Double(candidate).squareRoot()), by: 2).contains { candidate % $0 == 0 }) { candidate += 2 }
        return candidate
    }
}
