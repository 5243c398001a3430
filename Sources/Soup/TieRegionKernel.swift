import TureenCore

/// TIES's tie pass, on every thread: for each ingredient whose threshold key is shared by more
/// elements than are still to be kept, how many elements of each `TieRegions` region have that key.
/// The pass stops after the chunk in which every ingredient has passed its last tie kept (counts
/// are per region, so they do not depend on which thread read what). Sources are those
/// ingredients, then the base.
struct TieRegionKernel: StatisticsKernel {
    /// Each source's dtype: the ingredients', then the base's.
    let sourceTypes: [DType]
    /// Each ingredient's threshold key and how many of its ties are kept.
    let ties: [(key: UInt64, rank: Int)]
    let regions: TieRegions

    struct Partial {
        /// Ties per region, per ingredient.
        var counts: [[Int]]
        /// Ties seen, per ingredient.
        var totals: [Int]
    }

    var scratchValues: Int { TaskVectorBlocks.scratchValues }

    func makePartial() -> Partial {
        Partial(counts: Array(repeating: Array(repeating: 0, count: regions.count), count: ties.count), totals: Array(repeating: 0, count: ties.count))
    }

    func isFinished(_ partials: some Collection<Partial>) -> Bool {
        ties.indices.allSatisfy { ingredient in partials.reduce(0) { $0 + $1.totals[ingredient] } >= ties[ingredient].rank }
    }

    func accumulate(_ inputs: [UnsafeRawBufferPointer], firstValue: Int, scratch: UnsafeMutableBufferPointer<Double>, into partial: inout Partial) {
        TaskVectorBlocks(inputTypes: sourceTypes).forEachBlock(of: inputs, scratch: scratch) { ingredient, offset, deltas in
            let key = ties[ingredient].key
            let first = firstValue + offset
            regions.forEachRegion(of: first..<(first + deltas.count)) { region, range in
                // Counted without branches, which the compiler vectorises.
                var ties = 0
                for k in range { ties &+= TrimThreshold.magnitudeKey(deltas[k]) == key ? 1 : 0 }
                partial.counts[ingredient][region] += ties
                partial.totals[ingredient] += ties
            }
        }
    }

    /// Each ingredient's ties per region, the threads' counts added up.
    func combine(_ partials: [Partial]) -> [[Int]] {
        ties.indices.map { ingredient in
            (0..<regions.count).map { region in partials.reduce(0) { $0 + $1.counts[ingredient][region] } }
        }
    }
}
