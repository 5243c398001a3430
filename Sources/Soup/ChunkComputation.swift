import TureenCore

/// How one chunk of a merged tensor is computed on every thread: each thread takes a slice of the
/// chunk's values and runs the kernel over it.
///
/// Where every source allows concurrent copies (bytes in a file or in memory, as they are), each
/// thread copies its slice of every input into buffers of its own, a cache-sized piece at a time,
/// and merges from there: `pread` copies from the page cache through the kernel's own mapping,
/// which streams faster than reading the process's mapping and leaves no pages to release.
/// Otherwise (decoded sources) each input is viewed once, on the calling thread, and the threads
/// share the views.
struct ChunkComputation {
    let kernel: any MergeKernel
    /// The ingredients, then the base if there is one.
    let sources: [StoredTensor]
    let ingredientCount: Int
    let threadCount: Int
    let buffers: ChunkBuffers

    /// Bytes of each input copied at a time: small enough that a thread's pieces of a few inputs
    /// stay in its L2 cache, large enough that each `pread` moves a good run of bytes.
    static let pieceBytes = 128 << 10

    /// Whether the chunk is read by copies rather than through views.
    var readsByCopying: Bool { sources.allSatisfy(\.source.supportsConcurrentCopies) }

    /// Computes the values `values` of the tensor into `output` (components of the output dtype).
    ///
    /// - Throws: what reading a source throws.
    func compute(values: Range<Int>, output: UnsafeMutableRawBufferPointer) throws -> NonFiniteCount {
        let widths = kernel.inputWidths
        let parts = values.count >= 1 << 16 ? max(1, threadCount) : 1
        let accumulators = buffers.accumulators(parts: parts, values: kernel.scratchValues)
        if readsByCopying {
            let copyBuffers = buffers.copyBuffers(parts: parts, inputs: sources.count, bytes: Self.pieceBytes)
            return try inParallel(parts: parts, count: values.count) { part, slice in
                try copyAndMerge(slice, of: values, buffers: copyBuffers[part], accumulator: accumulators[part], output: output)
            }
        }
        let byteRanges = widths.map { (values.lowerBound * $0)..<(values.upperBound * $0) }
        return try Self.withViews(of: sources, in: byteRanges) { views in
            try inParallel(parts: parts, count: values.count) { part, slice in
                let inputs = zip(views, widths).map { view, width in
                    UnsafeRawBufferPointer(rebasing: view[(slice.lowerBound * width)..<(slice.upperBound * width)])
                }
                return merge(inputs, slice: slice, firstValue: values.lowerBound + slice.lowerBound, accumulator: accumulators[part], output: output)
            }
        }
    }

    /// Copies `slice` (chunk-relative) of every input a piece at a time and merges each piece.
    private func copyAndMerge(
        _ slice: Range<Int>, of values: Range<Int>, buffers: [UnsafeMutableRawBufferPointer],
        accumulator: UnsafeMutableBufferPointer<Double>, output: UnsafeMutableRawBufferPointer
    ) throws -> NonFiniteCount {
        let widths = kernel.inputWidths
        // Pieces hold the same number of values of every input, sized by the widest dtype.
        let pieceValues = Self.pieceBytes / (widths.max() ?? 1)
        var counts = NonFiniteCount(ingredientCount: ingredientCount)
        var start = slice.lowerBound
        while start < slice.upperBound {
            let end = min(slice.upperBound, start + pieceValues)
            var inputs: [UnsafeRawBufferPointer] = []
            for (source, (buffer, width)) in zip(sources, zip(buffers, widths)) {
                let byteRange = ((values.lowerBound + start) * width)..<((values.lowerBound + end) * width)
                let piece = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<byteRange.count])
                try source.source.copyBytes(in: byteRange, into: piece)
                inputs.append(UnsafeRawBufferPointer(piece))
            }
            counts.add(merge(inputs, slice: start..<end, firstValue: values.lowerBound + start, accumulator: accumulator, output: output))
            start = end
        }
        return counts
    }

    /// Runs the kernel on `inputs` (the ingredients' and the base's bytes for `slice`, whose first
    /// value is the tensor's `firstValue`), with a thread's scratch `accumulator`.
    private func merge(
        _ inputs: [UnsafeRawBufferPointer], slice: Range<Int>, firstValue: Int,
        accumulator: UnsafeMutableBufferPointer<Double>, output: UnsafeMutableRawBufferPointer
    ) -> NonFiniteCount {
        let outputWidth = kernel.outputType.componentType.byteWidth
        return kernel.merge(
            ingredients: Array(inputs[0..<ingredientCount]),
            base: inputs.count > ingredientCount ? inputs[ingredientCount] : nil,
            firstValue: firstValue,
            scratch: accumulator,
            output: UnsafeMutableRawBufferPointer(rebasing: output[(slice.lowerBound * outputWidth)..<(slice.upperBound * outputWidth)])
        )
    }

    /// Splits `0..<count` into `parts` slices, runs `body` on each on its own thread, and adds up
    /// the counts.
    ///
    /// - Throws: the first error a part threw.
    private func inParallel(
        parts: Int, count: Int, _ body: (Int, Range<Int>) throws -> NonFiniteCount
    ) throws -> NonFiniteCount {
        var total = NonFiniteCount(ingredientCount: ingredientCount)
        for counts in try ParallelLoop.map(parts: parts, count: count, body) { total.add(counts) }
        return total
    }

    /// Calls `body` with a view of `ranges[i]` in each source `i`, nesting each source's scoped view.
    private static func withViews<Result>(
        of sources: [StoredTensor], in ranges: [Range<Int>], collected: [UnsafeRawBufferPointer] = [],
        _ body: ([UnsafeRawBufferPointer]) throws -> Result
    ) throws -> Result {
        guard collected.count < sources.count else { return try body(collected) }
        return try sources[collected.count].source.withBytes(in: ranges[collected.count]) { view in
            try withViews(of: sources, in: ranges, collected: collected + [view], body)
        }
    }
}
