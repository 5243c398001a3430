import TureenCore

/// Every magnitude key of some ingredients' task vectors over a whole tensor small enough to hold
/// (TIES's selection for a small tensor, `TrimSelection+InMemory`), each stored at its element's
/// index. Sources are those ingredients, then the base.
struct TaskVectorKeysKernel: StatisticsKernel {
    /// Each source's dtype: the ingredients', then the base's.
    let sourceTypes: [DType]
    /// The keys, one array per ingredient, shared by every thread: each element's key is written
    /// once, by the thread that reads it.
    let keys: Keys

    /// Each ingredient's keys, in index order.
    final class Keys: @unchecked Sendable {
        // Safe to share: threads write disjoint elements, and the keys are read after the pass.
        let buffers: [UnsafeMutableBufferPointer<UInt64>]

        init(ingredients: Int, valueCount: Int) {
            buffers = (0..<ingredients).map { _ in
                let buffer = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: valueCount)
                buffer.initialize(repeating: 0)
                return buffer
            }
        }

        deinit { buffers.forEach { $0.deallocate() } }
    }

    var scratchValues: Int { TaskVectorBlocks.scratchValues }

    func makePartial() -> Keys { keys }

    func accumulate(_ inputs: [UnsafeRawBufferPointer], firstValue: Int, scratch: UnsafeMutableBufferPointer<Double>, into partial: inout Keys) {
        let buffers = keys.buffers
        TaskVectorBlocks(inputTypes: sourceTypes).forEachBlock(of: inputs, scratch: scratch) { ingredient, offset, deltas in
            let target = buffers[ingredient].baseAddress.unsafelyUnwrapped + (firstValue + offset)
            for k in deltas.indices { target[k] = TrimThreshold.magnitudeKey(deltas[k]) }
        }
    }
}
