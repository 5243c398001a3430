import TureenCore

/// Reads the same values of several tensors, each in its own dtype, a cache-sized piece at a time
/// on every thread, for kernels that walk a chunk once: the greedy soup's running sum and the
/// learned soup's gradient pass. Values are components (a complex element is two).
///
/// As in `ChunkComputation`: where every source allows concurrent copies, each thread `pread`s its
/// pieces into buffers of its own; otherwise each source's chunk is viewed once, on the calling
/// thread, and the threads share the views.
struct ChunkPieces {
    /// The tensors read together; each has the same number of values.
    let sources: [StoredTensor]
    let threadCount: Int
    let buffers: ChunkBuffers
    /// Bytes of the widest source copied at a time (the executor's, `ChunkComputation.pieceBytes`,
    /// unless a statistics pass asks for smaller pieces).
    var pieceBytes = ChunkComputation.pieceBytes

    /// Values per piece: a piece of the widest source fills `pieceBytes`.
    var pieceValues: Int {
        pieceBytes / (sources.map(\.info.dtype.componentType.byteWidth).max() ?? 1)
    }

    /// Whether pieces are copied rather than viewed.
    var readsByCopying: Bool { sources.allSatisfy(\.source.supportsConcurrentCopies) }

    /// How many threads share a chunk of `count` values.
    func parts(forValues count: Int) -> Int {
        count >= 1 << 16 ? max(1, threadCount) : 1
    }

    /// Asks the system to read `values` of every source that lies in a file ahead of time
    /// (the next chunk, while this one is computed). The threads' reads of one chunk interleave,
    /// which the kernel's own read-ahead does not follow, so a file that is not in the page cache
    /// (a running sum just written with direct I/O) would otherwise be read 128 KiB at a time, each
    /// read waiting on the disk. Values past a source's end are ignored.
    func prefetch(_ values: Range<Int>) {
        for source in sources {
            guard let mapped = source.source as? MappedTensorSource else { continue }
            let width = source.info.dtype.componentType.byteWidth
            let start = min(values.lowerBound * width, mapped.fileRange.count)
            let end = min(values.upperBound * width, mapped.fileRange.count)
            guard end > start else { continue }
            mapped.file.adviseWillNeed((mapped.fileRange.lowerBound + start)..<(mapped.fileRange.lowerBound + end))
        }
    }

    /// Splits `values` among `parts(forValues:)` threads and calls `body(part, piece, inputs)` for
    /// each piece, where `piece` is relative to `values.lowerBound` and `inputs` holds the piece's
    /// bytes of every source. Each part runs on its own thread; its pieces come in order.
    ///
    /// - Throws: what reading a source throws, or the first error `body` threw.
    func forEachPiece(
        of values: Range<Int>, _ body: (_ part: Int, _ piece: Range<Int>, _ inputs: [UnsafeRawBufferPointer]) throws -> Void
    ) throws {
        let parts = parts(forValues: values.count)
        let widths = sources.map(\.info.dtype.componentType.byteWidth)
        let pieceValues = pieceValues
        if readsByCopying {
            let copies = buffers.copyBuffers(parts: parts, inputs: sources.count, bytes: pieceBytes)
            try inParallel(parts: parts, count: values.count) { part, slice in
                var start = slice.lowerBound
                while start < slice.upperBound {
                    let end = min(slice.upperBound, start + pieceValues)
                    var inputs: [UnsafeRawBufferPointer] = []
                    for (index, source) in sources.enumerated() {
                        let width = widths[index]
                        let byteRange = ((values.lowerBound + start) * width)..<((values.lowerBound + end) * width)
                        let buffer = UnsafeMutableRawBufferPointer(rebasing: copies[part][index][0..<byteRange.count])
                        try source.source.copyBytes(in: byteRange, into: buffer)
                        inputs.append(UnsafeRawBufferPointer(buffer))
                    }
                    try body(part, start..<end, inputs)
                    start = end
                }
            }
            return
        }
        try Self.withViews(of: sources, values: values, widths: widths) { views in
            try inParallel(parts: parts, count: values.count) { part, slice in
                var start = slice.lowerBound
                while start < slice.upperBound {
                    let end = min(slice.upperBound, start + pieceValues)
                    let inputs = views.enumerated().map { index, view in
                        UnsafeRawBufferPointer(rebasing: view[(start * widths[index])..<(end * widths[index])])
                    }
                    try body(part, start..<end, inputs)
                    start = end
                }
            }
        }
        for (index, source) in sources.enumerated() {
            source.source.releaseBytes(before: values.upperBound * widths[index])
        }
    }

    /// Splits `0..<count` into `parts` slices and runs `body` on each on its own thread.
    ///
    /// - Throws: the first error a part threw.
    private func inParallel(parts: Int, count: Int, _ body: (Int, Range<Int>) throws -> Void) throws {
        _ = try ParallelLoop.map(parts: parts, count: count, body)
    }

    /// Calls `body` with a view of `values` in every source, nesting each source's scoped view.
    private static func withViews(
        of sources: [StoredTensor], values: Range<Int>, widths: [Int], collected: [UnsafeRawBufferPointer] = [],
        _ body: ([UnsafeRawBufferPointer]) throws -> Void
    ) throws {
        guard collected.count < sources.count else { return try body(collected) }
        let width = widths[collected.count]
        try sources[collected.count].source.withBytes(in: (values.lowerBound * width)..<(values.upperBound * width)) { view in
            try withViews(of: sources, values: values, widths: widths, collected: collected + [view], body)
        }
    }
}

