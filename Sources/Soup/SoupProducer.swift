import TureenCore

/// The streaming executor: computes a planned soup tensor by tensor, chunk by chunk, and hands the
/// result to a writer as a `TensorProducer`.
///
/// Every thread shares each chunk's arithmetic (`ChunkComputation`), and a writer thread writes one
/// chunk while the next is computed (`WriteBehind`). Working memory is two output buffers of
/// `chunkElementCount` elements and, per thread, a block accumulator and small input buffers,
/// whatever the size of the model.
public final class SoupProducer: TensorProducer {
    /// The checked plan being executed.
    public let plan: SoupPlan
    /// What is computed.
    public let recipe: SoupRecipe
    /// How it is computed.
    public let options: SoupOptions
    /// Recipes for single tensors, by name, in place of `recipe` (a learned soup's per-tensor
    /// weights); checked with `SoupPlan.check(tensorRecipes:recipe:)`.
    public var tensorRecipes: [String: SoupRecipe] = [:]
    /// Kernels made by a merge method's first passes, by plan entry index, in place of the linear
    /// kernel of `recipe` (`MergePreparation`).
    package var preparedKernels = PreparedKernels()
    /// Metadata carried into the output (the first ingredient's).
    public let metadata: [String: String]
    /// Non-finite values seen so far, per ingredient and in the result.
    public private(set) var nonFinite: NonFiniteCount
    /// How a `SoupError.nonFiniteValues` names the ingredients and the base (by position unless set).
    public var inputNames: InputNames
    /// Called with the number of input bytes consumed (summed over ingredients), for progress.
    public var onProgress: ((Int) -> Void)?
    private let buffers = ChunkBuffers()
    /// The writer thread, started with the first merged tensor and kept for the rest.
    private var writeBehind: WriteBehind?

    /// The plan's output tensors, made once (writers ask for them per tensor, in sorts too).
    public let tensors: [TensorInfo]

    /// The number of input bytes the soup reads (every ingredient and the base).
    public var totalInputBytes: Int {
        inputBytes(ofTensorsAt: plan.entries.indices)
    }

    /// The number of input bytes the output tensors at `indices` read (a partitioned run's share).
    public func inputBytes(ofTensorsAt indices: some Sequence<Int>) -> Int {
        indices.reduce(0) { total, index in
            let entry = plan.entries[index]
            return total + entry.inputs.reduce(0) { $0 + $1.info.byteCount } + (entry.base?.info.byteCount ?? 0)
        }
    }

    /// An executor for `plan`.
    public init(plan: SoupPlan, recipe: SoupRecipe, options: SoupOptions, metadata: [String: String]) {
        self.plan = plan
        self.tensors = plan.entries.map(\.output)
        self.recipe = recipe
        self.options = options
        self.metadata = metadata
        self.nonFinite = NonFiniteCount(ingredientCount: recipe.weights.count)
        self.inputNames = .positional(count: recipe.weights.count)
    }

    public func produce(tensorAt index: Int, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let entry = plan.entries[index]
        if entry.isMerged {
            try merge(entry, kernel: try preparedKernels.kernel(forEntry: index), into: sink)
        } else {
            try copy(entry.inputs[0], into: sink)
        }
    }

    private func copy(_ tensor: StoredTensor, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try tensor.copyChunks(of: options.chunkElementCount, into: sink, progress: onProgress)
    }

    private func merge(_ entry: SoupPlan.Entry, kernel prepared: (any MergeKernel)?, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let sources = entry.inputs + (entry.base.map { [$0] } ?? [])
        let outputType = entry.output.dtype
        let kernel = prepared
            ?? LinearMergeKernel(recipe: tensorRecipes[entry.output.name] ?? recipe, inputTypes: sources.map(\.info.dtype), outputType: outputType)
        let components = outputType.componentsPerElement
        let inputWidths = kernel.inputWidths
        let outputWidth = outputType.componentType.byteWidth
        let chunkValues = options.chunkElementCount * components
        buffers.reserve(outputBytes: chunkValues * outputWidth)
        // Two output buffers: one is written while the next chunk is computed into the other.
        let outputs = buffers.outputs
        let writeBehind = try writeBehind ?? WriteBehind(bufferCount: outputs.count)
        self.writeBehind = writeBehind
        let computation = ChunkComputation(
            kernel: kernel, sources: sources, ingredientCount: entry.inputs.count, threadCount: options.threadCount, buffers: buffers)
        let totalValues = entry.output.elementCount * components
        var tensorCounts = NonFiniteCount(ingredientCount: entry.inputs.count)
        try withoutActuallyEscaping(sink) { sink in
            // Every queued write must be done with `sink` before this closure returns, thrown or not.
            defer { try? writeBehind.finish() }
            var value = 0
            var chunkIndex = 0
            while value < totalValues {
                let count = min(chunkValues, totalValues - value)
                let bufferIndex = chunkIndex % outputs.count
                try writeBehind.acquire(bufferIndex)
                let chunkOutput = UnsafeMutableRawBufferPointer(rebasing: outputs[bufferIndex][0..<(count * outputWidth)])
                tensorCounts.add(try computation.compute(values: value..<(value + count), output: chunkOutput))
                writeBehind.write(UnsafeRawBufferPointer(chunkOutput), buffer: bufferIndex, with: sink)
                if !computation.readsByCopying {
                    for (source, width) in zip(sources, inputWidths) { source.source.releaseBytes(before: (value + count) * width) }
                }
                onProgress?(inputWidths.reduce(0) { $0 + count * $1 })
                value += count
                chunkIndex += 1
            }
            try writeBehind.finish()
        }
        nonFinite.add(tensorCounts)
        if options.failOnNonFinite, !tensorCounts.isZero {
            throw SoupError.nonFiniteValues(tensor: entry.output.name, counts: tensorCounts, inputs: inputNames)
        }
    }
}
