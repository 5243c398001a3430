import TureenCore

extension MagnitudeWindow {
    /// The sample: `sampleRuns` runs of `runLength` consecutive values, one in the middle of each
    /// of as many equal parts of the tensor (runs, not single values, so that reads stay few).
    static let sampleRuns = 256
    static let runLength = 512

    /// Each ingredient's window for keeping `keeps[i]` of the `valueCount` values of its task
    /// vector, from a sample of `sources` (the ingredients, then the base), which must hold at
    /// least `sampleRuns · runLength` values each; the runs are read, and the samples ranked, on up
    /// to `threads` threads.
    ///
    /// - Throws: what reading a source throws.
    static func windows(of sources: [StoredTensor], valueCount: Int, keeps: [Int], threads: Int) throws -> [MagnitudeWindow] {
        precondition(valueCount >= sampleRuns * runLength, "a tensor too small to sample")
        let ingredientCount = sources.count - 1
        // Each thread's keys of its runs, per ingredient (the order of a sample's keys is immaterial:
        // it is ranked).
        let parts = try ParallelLoop.map(count: sampleRuns, minimumPartSize: 16, threads: threads) { runs in
            try sampleKeys(of: sources, runs: runs, valueCount: valueCount)
        }
        let keys = (0..<ingredientCount).map { ingredient in parts.flatMap { $0[ingredient] } }
        return try ParallelLoop.map(count: keys.count, minimumPartSize: 1, threads: threads) { ingredients in
            ingredients.map { MagnitudeWindow(sample: keys[$0], keep: keeps[$0], valueCount: valueCount, runLength: runLength) }
        }.flatMap { $0 }
    }

    /// The magnitude keys of each ingredient's task vector in sample runs `runs` (of `sampleRuns`).
    private static func sampleKeys(of sources: [StoredTensor], runs: Range<Int>, valueCount: Int) throws -> [[UInt64]] {
        let widths = sources.map(\.info.dtype.componentType.byteWidth)
        let buffers = widths.map { UnsafeMutableRawBufferPointer.allocate(byteCount: $0 * runLength, alignment: 16) }
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: TaskVectorBlocks.scratchValues)
        defer {
            buffers.forEach { $0.deallocate() }
            scratch.deallocate()
        }
        let blocks = TaskVectorBlocks(inputTypes: sources.map(\.info.dtype))
        var keys = Array(repeating: [UInt64](), count: blocks.ingredientCount)
        for index in keys.indices { keys[index].reserveCapacity(runs.count * runLength) }
        let stride = valueCount / sampleRuns
        for run in runs {
            let first = run * stride + (stride - runLength) / 2
            let inputs = try sources.indices.map { index in
                try sources[index].source.copyBytes(in: (first * widths[index])..<((first + runLength) * widths[index]), into: buffers[index])
                return UnsafeRawBufferPointer(buffers[index])
            }
            blocks.forEachBlock(of: inputs, scratch: scratch) { ingredient, _, deltas in
                keys[ingredient].append(contentsOf: deltas.lazy.map(TrimThreshold.magnitudeKey))
            }
        }
        return keys
    }
}
