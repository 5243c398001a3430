@testable import Soup
import TureenCore
import TureenTestSupport
import XCTest

final class SparseTaskArithmeticTests: XCTestCase {
    private let ties = SparseTaskArithmeticMethod(sparsification: .magnitude, signConsensus: true)
    private let dareTies = SparseTaskArithmeticMethod(sparsification: .random(seed: 0), signConsensus: true)
    private let dareLinear = SparseTaskArithmeticMethod(sparsification: .random(seed: 0), signConsensus: false)

    private func parameters(_ method: MergeRecipe.Method, weights: [Double], densities: [Double]) -> MergeRecipe.Parameters {
        var parameters = MergeRecipe.Parameters(method: method, ingredientCount: weights.count)
        parameters.weights = weights
        parameters.densities = densities
        return parameters
    }

    private func merge(
        _ method: SparseTaskArithmeticMethod, _ entry: SoupPlan.Entry, _ parameters: MergeRecipe.Parameters,
        threads: Int = 1, chunk: Int = 1 << 20, slice: Int = 1 << 20
    ) throws -> [Double] {
        try method.check(entry, parameters: parameters)
        let prepared = try method.prepare(entry, parameters: parameters, passes: statisticsPasses(threads: threads, chunk: chunk))
        return try runKernel(prepared.kernel, on: entry, slice: slice).values
    }

    func testTiesElectsTheSignOfTheWeightedSumAndAveragesTheAgreeingValues() throws {
        let entry = try sparseMergeEntry(ingredients: [[1, -2, 3, 0.5], [-1, 1, 1, 0]], base: [0, 0, 0, 0])
        XCTAssertEqual(try merge(ties, entry, parameters(.ties, weights: [1, 1], densities: [1, 1])), [1, -2, 2, 0.5])
        XCTAssertEqual(try merge(ties, entry, parameters(.ties, weights: [2, 1], densities: [1, 1])), [1, -2, Double(Float(7.0 / 3)), 0.5])
    }

    func testTiesTrimsEachTaskVectorAndBreaksTiesByIndex() throws {
        let entry = try sparseMergeEntry(ingredients: [[5, -2, 3, 2], [0, 0, 0, 0]], base: [1, 1, 1, 1])
        // δ₁ = [4, −3, 2, 1] keeps 4, −3; δ₂ = [−1, −1, −1, −1] keeps its first two.
        XCTAssertEqual(try merge(ties, entry, parameters(.ties, weights: [1, 1], densities: [0.5, 0.5])), [5, -1, 1, 1])
    }

    func testTiesAtDensityZeroAndZeroTaskVectorsGiveTheBase() throws {
        // δ₂ = [2, 0, −2] keeps k = max(1, ⌊1.5⌋) = 1 value: the first of the two tied at 2.
        let entry = try sparseMergeEntry(ingredients: [[1, 2, 3], [3, 2, 1]], base: [1, 2, 3])
        XCTAssertEqual(try merge(ties, entry, parameters(.ties, weights: [1, 1], densities: [0, 0.5])), [3, 2, 3])
        let unchanged = try sparseMergeEntry(ingredients: [[1, 2, 3]], base: [1, 2, 3])
        XCTAssertEqual(try merge(ties, unchanged, parameters(.ties, weights: [1], densities: [0.5])), [1, 2, 3])
    }

    func testDareIsTheSameWhateverTheChunksThreadsAndSlices() throws {
        var generator = SeededGenerator(seed: 5)
        let count = 150_001
        let base = (0..<count).map { _ in Double.random(in: -1...1, using: &generator) }
        let ingredients = (0..<3).map { _ in base.map { $0 + Double.random(in: -0.1...0.1, using: &generator) } }
        let entry = try sparseMergeEntry(ingredients: ingredients, base: base)
        for (method, name) in [(dareTies, MergeRecipe.Method.dareTies), (dareLinear, .dareLinear)] {
            // The default (1/density) and mergekit's L1 rescale, whose norms are summed per thread.
            for rescale in [MergeRecipe.Rescale.density, .l1Norm] {
                var chosen = parameters(name, weights: [1, 0.5, 2], densities: [0.3, 0.6, 0.9])
                chosen.rescale = rescale
                let reference = try merge(method, entry, chosen)
                XCTAssertEqual(try merge(method, entry, chosen, threads: 2, chunk: 70_001, slice: 777), reference, "\(name) \(rescale)")
                XCTAssertEqual(try merge(method, entry, chosen, threads: 2, chunk: 1000, slice: 65_536), reference, "\(name) \(rescale)")
            }
        }
    }

    func testDareLinearAddsTheKeptDifferencesUnscaledRescaledToTheNormOrDividedByTheDensity() throws {
        let count = 1000
        let entry = try sparseMergeEntry(ingredients: [Array(repeating: 3, count: count)], base: Array(repeating: 1, count: count))
        var chosen = parameters(.dareLinear, weights: [1], densities: [0.25])
        chosen.rescale = .none
        let mask = DropoutMask(seed: 0, ingredient: 0, tensorName: "w", density: 0.25)
        XCTAssertEqual(try merge(dareLinear, entry, chosen), (0..<count).map { mask.keeps($0) ? 3 : 1 })
        chosen.rescale = .l1Norm
        let kept = (0..<count).filter(mask.keeps).count
        let scale = Double(count) / Double(kept)
        XCTAssertEqual(try merge(dareLinear, entry, chosen), (0..<count).map { Double(Float(mask.keeps($0) ? 1 + 2 * scale : 1)) })
        // 1 + 2/0.25 where kept, whatever fraction the draws kept; a vector kept whole is not rescaled.
        chosen.rescale = .density
        XCTAssertEqual(try merge(dareLinear, entry, chosen), (0..<count).map { mask.keeps($0) ? 9 : 1 })
        chosen.densities = [1]
        XCTAssertEqual(try merge(dareLinear, entry, chosen), Array(repeating: 3, count: count))
    }

    func testTiesRescaledByTheDensityDoublesTheKeptHalfAndLeavesDensityZeroAtTheBase() throws {
        let count = 1000
        let values = (0..<count).map { 1 + Double($0) / 1000 }
        let ramp = try sparseMergeEntry(ingredients: [values], base: Array(repeating: 1, count: count))
        var trimmed = parameters(.ties, weights: [1], densities: [0.5])
        trimmed.rescale = .density
        XCTAssertEqual(try merge(ties, ramp, trimmed), (0..<count).map { k in
            let delta = Double(Float(values[k])) - 1
            return Double(Float(k >= count / 2 ? 1 + 2 * delta : 1))
        })
        // At density 0, zeros (not 0·(1/0), NaN).
        trimmed.densities = [0]
        XCTAssertEqual(try merge(ties, ramp, trimmed), Array(repeating: 1, count: count))
        // A one-value tensor keeps its value (k = max(1, ⌊d·n⌋)) and is rescaled as any other.
        trimmed.densities = [0.5]
        XCTAssertEqual(try merge(ties, try sparseMergeEntry(ingredients: [[3]], base: [1]), trimmed), [5])
    }

    /// Regression: a DARE ingredient at density 0 was scaled by 1/0, which made every value of the
    /// tensor NaN (0·∞ added into the sum), the other ingredients' too.
    func testDareIngredientAtDensityZeroAddsNothingUnderTheDensityRescale() throws {
        let count = 1000
        let entry = try sparseMergeEntry(ingredients: [Array(repeating: 3, count: count), Array(repeating: 3, count: count)], base: Array(repeating: 1, count: count))
        var chosen = parameters(.dareLinear, weights: [1, 1], densities: [0, 0.25])
        chosen.rescale = .density
        let mask = DropoutMask(seed: 0, ingredient: 1, tensorName: "w", density: 0.25)
        XCTAssertEqual(try merge(dareLinear, entry, chosen), (0..<count).map { mask.keeps($0) ? 9 : 1 })
        var consensus = parameters(.dareTies, weights: [1, 1], densities: [0, 0.25])
        consensus.rescale = .density
        XCTAssertEqual(try merge(dareTies, entry, consensus), (0..<count).map { mask.keeps($0) ? 9 : 1 })
    }

    func testDensityOutsideZeroToOneIsRefusedNamingTheTensor() throws {
        let entry = try sparseMergeEntry(ingredients: [[1, 2]], base: [0, 0])
        XCTAssertThrowsError(try merge(ties, entry, parameters(.ties, weights: [1], densities: [1.5]))) { error in
            XCTAssertEqual("\(error)", "tensor 'w': the density of model 1 is 1.5; a density is a fraction from 0 to 1")
        }
    }
}
