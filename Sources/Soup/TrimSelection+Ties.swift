import TureenCore

extension TrimSelection {
    /// A threshold's ties counted per region.
    typealias RegionTies = (regions: TieRegions, counts: [Int])

    /// Finishes the selections that ask for a tie cutoff: where the window pass counted the
    /// threshold's ties per region (`counted`), within the region holding the last tie kept;
    /// otherwise over the whole tensor.
    ///
    /// - Throws: what reading a source throws.
    static func cutTies(
        _ selections: inout [TrimSelection], counted: [Int: RegionTies],
        valueCount: Int, sources: ([Int]) -> [StoredTensor], passes: StatisticsPass
    ) throws {
        var uncounted: [(Int, (key: UInt64, rank: Int))] = []
        for index in selections.indices {
            guard case let .tieCutoff(key, rank) = selections[index].step else { continue }
            guard let (regions, counts) = counted[index] else {
                uncounted.append((index, (key, rank)))
                continue
            }
            guard let (region, regionRank) = TieRegions.locate(rank: rank, counts: counts) else {
                preconditionFailure("fewer ties than the window counted")
            }
            let last = try lastTies(ties: [(key, regionRank)], in: regions.values(of: region), sources: sources([index]), passes: passes)
            selections[index].absorb(lastTieIndex: last[0])
        }
        guard !uncounted.isEmpty else { return }
        let lasts = try lastTies(ties: uncounted.map(\.1), in: 0..<valueCount, sources: sources(uncounted.map(\.0)), passes: passes)
        for ((index, _), last) in zip(uncounted, lasts) { selections[index].absorb(lastTieIndex: last) }
    }

    /// The index of each ingredient's `rank`-th tie (in index order) among `values` of `sources`
    /// (those ingredients, then the base): ties counted per region of the range on every thread,
    /// then the region holding it read in index order on one thread.
    private static func lastTies(ties: [(key: UInt64, rank: Int)], in values: Range<Int>, sources: [StoredTensor], passes: StatisticsPass) throws -> [Int] {
        let regions = TieRegions(values: values)
        let types = sources.map(\.info.dtype)
        let counting = TieRegionKernel(sourceTypes: types, ties: ties, regions: regions)
        let counts = counting.combine(try passes.run(counting, over: sources, values: values))
        let oneThread = passes.onOneThread
        return try ties.indices.map { ingredient in
            guard let (region, rank) = TieRegions.locate(rank: ties[ingredient].rank, counts: counts[ingredient]) else {
                preconditionFailure("fewer ties than the histogram counted")
            }
            let ingredientSources = [sources[ingredient], sources[sources.count - 1]]
            let finding = TieIndexKernel(sourceTypes: ingredientSources.map(\.info.dtype), ties: [(ties[ingredient].key, rank)])
            guard let last = try oneThread.run(finding, over: ingredientSources, values: regions.values(of: region))[0].found[0] else {
                preconditionFailure("fewer ties in the region than counted")
            }
            return last
        }
    }
}
