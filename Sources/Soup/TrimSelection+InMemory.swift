import TureenCore

extension TrimSelection {
    /// Tensors of at most this many values are selected in memory: their keys read in one pass and
    /// sorted (512 KiB per ingredient at most), rather than in up to four histogram passes of 2¹⁶
    /// buckets each, whose tables cost more than the tensor.
    static let inMemoryValueCount = 1 << 16

    /// Makes the undecided selections of a small tensor (its keys held: 8 bytes a value and
    /// ingredient) from all of its keys, read in one pass.
    ///
    /// - Throws: what reading a source throws.
    static func selectInMemory(
        _ selections: inout [TrimSelection], valueCount: Int, sources: ([Int]) -> [StoredTensor], passes: StatisticsPass
    ) throws {
        let undecided = selections.indices.filter { selections[$0].step == .histogram(.allKeys) }
        guard !undecided.isEmpty else { return }
        let inputs = sources(undecided)
        let kernel = TaskVectorKeysKernel(
            sourceTypes: inputs.map(\.info.dtype), keys: .init(ingredients: undecided.count, valueCount: valueCount))
        _ = try passes.run(kernel, over: inputs)
        for (index, keys) in zip(undecided, kernel.keys.buffers) { selections[index].select(fromKeys: UnsafeBufferPointer(keys)) }
    }
}
