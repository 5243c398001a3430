@testable import Soup
import TureenCore
import TureenTestSupport
import XCTest

final class TrimSelectionTests: XCTestCase {
    /// The kept set by sorting: the k = max(1, ⌊density·n⌋) largest magnitude keys, lower index first among equals.
    private func referenceKept(_ deltas: [Double], density: Double) -> Set<Int> {
        if density >= 1 { return Set(deltas.indices) }
        if density <= 0 { return [] }
        let keep = max(1, Int(density * Double(deltas.count)))
        let order = deltas.indices.sorted {
            let (a, b) = (TrimThreshold.magnitudeKey(deltas[$0]), TrimThreshold.magnitudeKey(deltas[$1]))
            return a != b ? a > b : $0 < $1
        }
        return Set(order.prefix(keep))
    }

    private func kept(_ threshold: TrimThreshold, _ deltas: [Double]) -> Set<Int> {
        Set(deltas.indices.filter { threshold.keeps(deltas[$0], at: $0) })
    }

    /// Values drawn from a small set, so that the threshold is shared by many elements.
    private func tiedValues(count: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Double(Int.random(in: -3...3, using: &generator)) * 0.25 }
    }

    func testThresholdKeepsTheLargestMagnitudesLowerIndexFirstAmongTies() throws {
        let count = 100_003
        let base = tiedValues(count: count, seed: 1)
        let ingredients = [tiedValues(count: count, seed: 2), tiedValues(count: count, seed: 3)]
        let entry = try sparseMergeEntry(ingredients: ingredients, base: base)
        let deltas = ingredients.map { zip($0, base).map { Double(Float($0)) - Double(Float($1)) } }
        for densities in [[0.1, 0.37], [0.5, 0.999], [0.25, 1]] {
            let expected = zip(deltas, densities).map { referenceKept($0, density: $1) }
            for (threads, chunk) in [(1, 1 << 20), (2, 70_001), (2, 1000)] {
                let thresholds = try TrimSelection.thresholds(of: entry, densities: densities, passes: statisticsPasses(threads: threads, chunk: chunk))
                for index in deltas.indices {
                    XCTAssertEqual(kept(thresholds[index], deltas[index]), expected[index], "densities \(densities), \(threads) threads, chunk \(chunk)")
                }
            }
        }
    }

    func testThresholdOfDistinctMagnitudesNeedsNoTiePass() throws {
        var generator = SeededGenerator(seed: 9)
        let base = (0..<50_000).map { _ in Double.random(in: -1...1, using: &generator) }
        let ingredient = base.map { $0 + Double.random(in: -0.01...0.01, using: &generator) }
        let entry = try sparseMergeEntry(ingredients: [ingredient], base: base, dtype: .f64)
        let deltas = zip(ingredient, base).map { $0 - $1 }
        for inMemoryLimit in [TrimSelection.inMemoryValueCount, 0] {
            let passes = statisticsPasses(threads: 2, chunk: 4096)
            let threshold = try TrimSelection.thresholds(of: entry, densities: [0.3], passes: passes, inMemoryLimit: inMemoryLimit)[0]
            XCTAssertEqual(threshold.tieIndexLimit, .max)
            XCTAssertEqual(kept(threshold, deltas), referenceKept(deltas, density: 0.3))
            XCTAssertEqual(kept(threshold, deltas).count, 15_000)
        }
    }

    func testAllMagnitudesEqualKeepsTheFirstK() throws {
        let ingredient = (0..<1000).map { $0 % 2 == 0 ? 1.0 : -1.0 }
        let entry = try sparseMergeEntry(ingredients: [ingredient], base: Array(repeating: 0, count: 1000))
        let threshold = try TrimSelection.thresholds(of: entry, densities: [0.25], passes: statisticsPasses())[0]
        XCTAssertEqual(kept(threshold, ingredient), Set(0..<250))
    }

    func testTiePassStopsAtTheChunkHoldingTheLastTieKeptAndReadsOneRegion() throws {
        let ingredient = (0..<10_000).map { $0 % 2 == 0 ? 1.0 : -1.0 }
        let entry = try sparseMergeEntry(ingredients: [ingredient], base: Array(repeating: 0, count: 10_000))
        var passes = statisticsPasses(chunk: 1000)
        var bytesRead = 0
        passes.onProgress = { bytesRead += $0 }
        let threshold = try TrimSelection.thresholds(of: entry, densities: [0.1], passes: passes, inMemoryLimit: 0)[0]
        XCTAssertEqual(threshold.tieIndexLimit, 1000)
        // One histogram pass over the whole tensor, the tie pass's first chunk, then the first region
        // in index order up to the chunk holding the last tie kept (f32 ingredient and base).
        XCTAssertEqual(bytesRead, 10_000 * 8 + 1000 * 8 + 1000 * 8)
    }

    /// A small tensor's keys are read once, by one pass, and sorted: no histogram or tie pass.
    func testSmallTensorIsSelectedFromOneReadOfItsKeys() throws {
        let ingredient = (0..<10_000).map { $0 % 2 == 0 ? 1.0 : -1.0 }
        let entry = try sparseMergeEntry(ingredients: [ingredient, ingredient.map { -$0 / 2 }], base: Array(repeating: 0, count: 10_000))
        var passes = statisticsPasses(threads: 2, chunk: 1000)
        var bytesRead = 0
        passes.onProgress = { bytesRead += $0 }
        let thresholds = try TrimSelection.thresholds(of: entry, densities: [0.1, 0.5], passes: passes)
        XCTAssertEqual(thresholds.map(\.tieIndexLimit), [1000, 5000])
        XCTAssertEqual(bytesRead, 10_000 * 4 * 3)
    }

    func testDensityOneKeepsAllAndZeroKeepsNoneAndTinyKeepsOne() throws {
        let ingredient = [0.5, -2, 0, 1]
        let entry = try sparseMergeEntry(ingredients: [ingredient, ingredient, ingredient], base: [0, 0, 0, 0])
        let thresholds = try TrimSelection.thresholds(of: entry, densities: [1, 0, 0.01], passes: statisticsPasses())
        XCTAssertEqual(thresholds[0], .keepAll)
        XCTAssertEqual(thresholds[1], .keepNone)
        XCTAssertEqual(kept(thresholds[2], ingredient), [1])
    }

    func testNaNSortsAboveInfinityAndIsKeptFirst() throws {
        let ingredient = [1, .nan, 3, .infinity, 2]
        let entry = try sparseMergeEntry(ingredients: [ingredient], base: [0, 0, 0, 0, 0], dtype: .f64)
        let threshold = try TrimSelection.thresholds(of: entry, densities: [0.4], passes: statisticsPasses())[0]
        XCTAssertEqual(kept(threshold, ingredient), [1, 3])
    }

    func testRandomSmallTensorsKeepWhatASortKeeps() throws {
        var generator = SeededGenerator(seed: 31)
        for round in 0..<40 {
            let count = Int.random(in: 1...5000, using: &generator)
            let levels = Int.random(in: 1...20, using: &generator)
            let base = (0..<count).map { _ in Double(Int.random(in: 0..<levels, using: &generator)) }
            let ingredient = (0..<count).map { _ in Double(Int.random(in: 0..<levels, using: &generator)) }
            let density = Double.random(in: 0.001...1, using: &generator)
            let threads = Int.random(in: 1...2, using: &generator)
            let chunk = Int.random(in: 1...4000, using: &generator)
            let entry = try sparseMergeEntry(ingredients: [ingredient], base: base)
            let deltas = zip(ingredient, base).map { $0 - $1 }
            // In memory (as every tensor this small is), and by histogram and tie passes.
            for inMemoryLimit in [TrimSelection.inMemoryValueCount, 0] {
                let passes = statisticsPasses(threads: threads, chunk: chunk)
                let threshold = try TrimSelection.thresholds(of: entry, densities: [density], passes: passes, inMemoryLimit: inMemoryLimit)[0]
                XCTAssertEqual(kept(threshold, deltas), referenceKept(deltas, density: density), "round \(round), in-memory limit \(inMemoryLimit)")
            }
        }
    }

    func testZeroTaskVectorKeepsTheFirstElements() throws {
        let entry = try sparseMergeEntry(ingredients: [[1, 2, 3, 4]], base: [1, 2, 3, 4])
        let threshold = try TrimSelection.thresholds(of: entry, densities: [0.5], passes: statisticsPasses())[0]
        XCTAssertEqual(kept(threshold, [0, 0, 0, 0]), [0, 1])
    }
}

/// SplitMix64, for reproducible test data.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
