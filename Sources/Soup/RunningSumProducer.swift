import TureenCore

/// The greedy soup's executor: produces the uniform soup of `count` ingredients from their running
/// sum — the addends, summed in order in Float64: a `RunningSumFile` of the ingredients kept so
/// far and the ingredients not yet in it — in one streaming pass, and writes the new Float64 sum
/// to a `RunningSumWriter` in the same pass when one is given.
///
/// The plan is the uniform soup's of the same ingredients, in the same order: it gives each tensor's
/// output dtype, and integer and bool tensors are copied from its first ingredient, as
/// `SoupProducer` copies them. Working memory is two output buffers and two sum
/// buffers of `chunkElementCount` elements, and small per-thread buffers, whatever the model's size.
package final class RunningSumProducer: TensorProducer {
    /// The checked plan of the uniform soup: output tensors and which are merged.
    package let plan: SoupPlan
    /// The stores summed, in order; each holds every merged tensor of the plan by name.
    package let addends: [TensorStore]
    /// The number of ingredients the addends stand for together (the divisor).
    package let count: Int
    package let options: SoupOptions
    package let metadata: [String: String]
    /// Receives the new running sum, when the caller keeps it.
    package let sumWriter: RunningSumWriter?
    /// NaN and ±Inf found in the result so far.
    package private(set) var nonFiniteResults = 0
    /// Called with the number of input bytes consumed (summed over addends), for progress.
    package var onProgress: ((Int) -> Void)?

    private let buffers = ChunkBuffers()
    private var sums: [UnsafeMutableBufferPointer<Double>] = []
    private var writeBehind: WriteBehind?

    /// The plan's output tensors, made once (writers ask for them per tensor, in sorts too).
    package let tensors: [TensorInfo]

    /// The number of input bytes one pass reads.
    package var totalInputBytes: Int {
        plan.entries.reduce(0) { total, entry in
            let sources = entry.isMerged ? addends.compactMap { $0.tensor(named: entry.output.name) } : [entry.inputs[0]]
            return total + sources.reduce(0) { $0 + $1.info.byteCount }
        }
    }

    /// An executor summing `addends` for the soup of `count` ingredients `plan` describes.
    ///
    /// - Throws: `RunningSumError.addendMismatch` if an addend lacks a merged tensor or holds it
    ///   with another shape; `SoupError.noIngredients` if `addends` is empty or `count` < 1.
    package init(
        plan: SoupPlan, addends: [TensorStore], count: Int, options: SoupOptions,
        metadata: [String: String], sumWriter: RunningSumWriter?
    ) throws {
        guard !addends.isEmpty, count >= 1 else { throw SoupError.noIngredients }
        for entry in plan.entries where entry.isMerged {
            for store in addends {
                guard let tensor = store.tensor(named: entry.output.name), tensor.info.shape == entry.output.shape,
                      tensor.info.dtype.componentsPerElement == entry.output.dtype.componentsPerElement else {
                    throw RunningSumError.addendMismatch(location: store.location, tensor: entry.output.name, shape: entry.output.shape)
                }
            }
        }
        self.plan = plan
        self.tensors = plan.entries.map(\.output)
        self.addends = addends
        self.count = count
        self.options = options
        self.metadata = metadata
        self.sumWriter = sumWriter
    }

    deinit {
        sums.forEach { $0.deallocate() }
    }

    package func produce(tensorAt index: Int, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let entry = plan.entries[index]
        guard entry.isMerged else { return try copy(entry.inputs[0], into: sink) }
        try merge(entry, into: sink)
    }

    private func copy(_ tensor: StoredTensor, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try tensor.copyChunks(of: options.chunkElementCount, into: sink, progress: onProgress)
    }

    private func merge(_ entry: SoupPlan.Entry, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let sources = addends.map { $0.tensor(named: entry.output.name)! }
        let kernel = RunningSumKernel(addendTypes: sources.map(\.info.dtype), outputType: entry.output.dtype, count: count)
        let pieces = ChunkPieces(sources: sources, threadCount: options.threadCount, buffers: buffers)
        let outputWidth = entry.output.dtype.componentType.byteWidth
        let chunkValues = options.chunkElementCount * entry.output.dtype.componentsPerElement
        buffers.reserve(outputBytes: chunkValues * outputWidth)
        if sumWriter != nil { reserveSums(values: chunkValues) }
        try sumWriter?.beginTensor(entry.output)
        let outputs = buffers.outputs
        let writeBehind = try writeBehind ?? WriteBehind(bufferCount: outputs.count)
        self.writeBehind = writeBehind
        let totalValues = entry.output.elementCount * entry.output.dtype.componentsPerElement
        let inputBytesPerValue = sources.reduce(0) { $0 + $1.info.dtype.componentType.byteWidth }
        var nonFinite = 0
        try withoutActuallyEscaping(sink) { sink in
            // Every queued write must be done with `sink` before this closure returns, thrown or not.
            defer { try? writeBehind.finish() }
            var value = 0
            var chunkIndex = 0
            pieces.prefetch(0..<chunkValues)
            while value < totalValues {
                let values = value..<min(totalValues, value + chunkValues)
                pieces.prefetch(values.upperBound..<(values.upperBound + chunkValues))
                let bufferIndex = chunkIndex % outputs.count
                try writeBehind.acquire(bufferIndex)
                let output = UnsafeMutableRawBufferPointer(rebasing: outputs[bufferIndex][0..<(values.count * outputWidth)])
                let sum = sumWriter == nil ? nil : UnsafeMutableBufferPointer(rebasing: sums[bufferIndex][0..<values.count])
                nonFinite += try compute(values, kernel: kernel, pieces: pieces, sum: sum, output: output)
                write(UnsafeRawBufferPointer(output), sum: sum, buffer: bufferIndex, writeBehind: writeBehind, sink: sink)
                onProgress?(values.count * inputBytesPerValue)
                value = values.upperBound
                chunkIndex += 1
            }
            try writeBehind.finish()
        }
        nonFiniteResults += nonFinite
        if options.failOnNonFinite, nonFinite > 0 {
            var counts = NonFiniteCount(ingredientCount: addends.count)
            counts.result = nonFinite
            throw SoupError.nonFiniteValues(tensor: entry.output.name, counts: counts, inputs: .positional(count: addends.count))
        }
    }

    /// Computes one chunk on every thread; returns the non-finite results.
    private func compute(
        _ values: Range<Int>, kernel: RunningSumKernel, pieces: ChunkPieces,
        sum: UnsafeMutableBufferPointer<Double>?, output: UnsafeMutableRawBufferPointer
    ) throws -> Int {
        let outputWidth = kernel.outputType.componentType.byteWidth
        let parts = pieces.parts(forValues: values.count)
        let accumulators = buffers.accumulators(parts: parts, values: LinearMergeKernel.blockValues)
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: parts)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        try pieces.forEachPiece(of: values) { part, piece, inputs in
            counts[part] += kernel.merge(
                addends: inputs, accumulator: accumulators[part],
                sum: sum.map { UnsafeMutableBufferPointer(rebasing: $0[piece]) },
                output: UnsafeMutableRawBufferPointer(rebasing: output[(piece.lowerBound * outputWidth)..<(piece.upperBound * outputWidth)])
            )
        }
        return counts.reduce(0, +)
    }

    /// Queues the chunk's result (and its sums) for the writer thread.
    private func write(
        _ output: UnsafeRawBufferPointer, sum: UnsafeMutableBufferPointer<Double>?, buffer: Int,
        writeBehind: WriteBehind, sink: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) {
        guard let sum, let sumWriter else { return writeBehind.write(output, buffer: buffer, with: sink) }
        // Safe to send: the sum buffer belongs to this write's output buffer, which the caller does not
        // fill again until `WriteBehind.acquire` has waited for this write.
        nonisolated(unsafe) let sumBytes = UnsafeRawBufferPointer(sum)
        writeBehind.write(output, buffer: buffer) { chunk in
            try sink(chunk)
            try sumWriter.append(sumBytes)
        }
    }

    /// Makes room for `values` sums in each of the two sum buffers.
    private func reserveSums(values: Int) {
        if sums.isEmpty || sums[0].count < values {
            sums.forEach { $0.deallocate() }
            sums = (0..<2).map { _ in .allocate(capacity: values) }
        }
    }
}
