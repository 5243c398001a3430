import TureenCore

/// The last read of TIES's threshold search, run on one thread over the region that holds the last
/// tie kept (`TieRegions`) so that values come in index order: for each ingredient whose threshold
/// key is shared by more elements than are still to be kept, the index of the `rank`-th element of
/// the region (counting from 1) whose key is the threshold's. Sources are those ingredients, then the base.
struct TieIndexKernel: StatisticsKernel {
    /// Each source's dtype: the ingredients', then the base's.
    let sourceTypes: [DType]
    /// Each ingredient's threshold key and how many of its ties are kept.
    let ties: [(key: UInt64, rank: Int)]

    struct Partial {
        /// Ties still to be passed before each ingredient's last kept one.
        var remaining: [Int]
        /// The index of each ingredient's last kept tie, once passed.
        var found: [Int?]
    }

    var scratchValues: Int { TaskVectorBlocks.scratchValues }

    func makePartial() -> Partial {
        Partial(remaining: ties.map(\.rank), found: Array(repeating: nil, count: ties.count))
    }

    func isFinished(_ partials: some Collection<Partial>) -> Bool {
        partials.allSatisfy { $0.found.allSatisfy { $0 != nil } }
    }

    func accumulate(_ inputs: [UnsafeRawBufferPointer], firstValue: Int, scratch: UnsafeMutableBufferPointer<Double>, into partial: inout Partial) {
        TaskVectorBlocks(inputTypes: sourceTypes).forEachBlock(of: inputs, scratch: scratch) { ingredient, offset, deltas in
            guard partial.found[ingredient] == nil else { return }
            let key = ties[ingredient].key
            // Most blocks only need their ties counted, which the compiler vectorises.
            var blockTies = 0
            for k in deltas.indices { blockTies &+= TrimThreshold.magnitudeKey(deltas[k]) == key ? 1 : 0 }
            guard blockTies >= partial.remaining[ingredient] else {
                partial.remaining[ingredient] -= blockTies
                return
            }
            for k in deltas.indices where TrimThreshold.magnitudeKey(deltas[k]) == key {
                partial.remaining[ingredient] -= 1
                if partial.remaining[ingredient] == 0 {
                    partial.found[ingredient] = firstValue + offset + k
                    return
                }
            }
        }
    }
}
