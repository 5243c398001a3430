@testable import Soup
import TureenCore
import TureenTestSupport
import XCTest

/// TIES's one-loop merge (`SignConsensus.mergeDecoding`, taken where every input has the same
/// dtype) against mergekit's formula and against the block-by-block merge it stands in for (taken
/// where the base's dtype differs: here Float64 holding the same values).
final class SparseMergeOneLoopTests: XCTestCase {
    func testOneLoopMergeIsTheFormulaAndTheBlockByBlockMergeToTheBit() throws {
        var generator = SystemRandomNumberGenerator()
        for dtype in [DType.bf16, .f16, .f32, .f64] {
            for ingredientCount in [1, 3, 8, 9] {
                for (normalize, unitFactors) in [(true, true), (true, false), (false, true), (false, false)] {
                    let label = "\(dtype), \(ingredientCount) ingredients, normalize \(normalize), unit factors \(unitFactors)"
                    let count = 1_300
                    let base = Self.values(count, as: dtype, using: &generator)
                    let ingredients = (0..<ingredientCount).map { _ in Self.values(count, as: dtype, using: &generator) }
                    let weights = (0..<ingredientCount).map { _ in unitFactors ? 1 : [1, 0.5, -0.25, 2].randomElement(using: &generator)! }
                    let sparsifiers = ingredients.indices.map { index in
                        Self.sparsifier(deltas: zip(ingredients[index], base).map(-), index: index, rescaled: !unitFactors, using: &generator)
                    }
                    let expected = (0..<count).map { k in
                        Self.formula(
                            deltas: ingredients.map { $0[k] - base[k] }, base: base[k], index: k, sparsifiers: sparsifiers,
                            weights: weights, normalize: normalize, lambda: 0.75)
                    }
                    let expectedBits = Self.rounded(expected, to: dtype).map(comparableBits)
                    var runs: [(values: [Double], counts: NonFiniteCount)] = []
                    for baseDType in dtype == .f64 ? [dtype] : [dtype, .f64] {
                        let entry = try sparseMergeEntry(ingredients: ingredients, base: base, dtype: dtype, baseDType: baseDType)
                        let kernel = SparseMergeKernel(
                            inputTypes: entry.sourceTypes, outputType: dtype, weights: weights, sparsifiers: sparsifiers,
                            signConsensus: true, normalize: normalize, lambda: 0.75)
                        // Slices that start inside blocks, so the masks' element indices are offset.
                        let run = try runKernel(kernel, on: entry, slice: 700)
                        XCTAssertEqual(run.values.map(comparableBits), expectedBits, "\(label), base \(baseDType)")
                        runs.append(run)
                    }
                    if let (shared, mixed) = runs.count == 2 ? (runs[0], runs[1]) : nil {
                        XCTAssertEqual(shared.counts, mixed.counts, label)
                        XCTAssertGreaterThan(shared.counts.result, 0, "\(label): NaN and ±Inf are among the inputs")
                    }
                }
            }
        }
    }

    /// `count` values of `dtype` (stored exactly as `Double`s): uniform in ±1, and one in twenty
    /// ±0, NaN or ±Inf.
    private static func values(_ count: Int, as dtype: DType, using generator: inout some RandomNumberGenerator) -> [Double] {
        let specials: [Double] = [0, -0.0, .nan, .infinity, -.infinity]
        let values = (0..<count).map { _ in
            Int.random(in: 0..<20, using: &generator) == 0 ? specials.randomElement(using: &generator)! : Double.random(in: -1...1, using: &generator)
        }
        return rounded(values, to: dtype)
    }

    /// `values` rounded into `dtype` and read back.
    private static func rounded(_ values: [Double], to dtype: DType) -> [Double] {
        var bytes = [UInt8](repeating: 0, count: values.count * dtype.componentType.byteWidth)
        values.withUnsafeBufferPointer { source in bytes.withUnsafeMutableBytes { ElementCodec.encode(source, to: dtype, into: $0) } }
        return TensorBytes.decode(bytes, as: dtype)
    }

    /// Ingredient `index`'s mask: kept whole, none kept (ingredient 8 only: it takes the
    /// block-by-block merge for every block), or trimmed at one of its own magnitudes with the tie
    /// limit before, after, or inside the tensor (inside a block: that block is merged block by
    /// block); ingredient 1 `rescaled`.
    private static func sparsifier(
        deltas: [Double], index: Int, rescaled: Bool, using generator: inout some RandomNumberGenerator
    ) -> TaskVectorSparsifier {
        let key = TrimThreshold.magnitudeKey(deltas.filter(\.isFinite).randomElement(using: &generator)!)
        let masks: [TaskVectorSparsifier.Mask] = [
            .keepAll,
            .magnitude(TrimThreshold(key: key, tieIndexLimit: 0)),
            .magnitude(TrimThreshold(key: key, tieIndexLimit: .max)),
            .magnitude(TrimThreshold(key: key, tieIndexLimit: 650)),
        ]
        let mask = index == 8 ? .keepNone : masks.randomElement(using: &generator)!
        return TaskVectorSparsifier(mask: mask, scale: index == 1 && rescaled ? 1 / 0.3 : 1)
    }

    /// One value as mergekit's TIES computes it (in Float64): each term ((δ·m)·s)·w (keep-none's
    /// (0·s)·w), the elected sign of their sum, and θ0 + λ·(the agreeing sum, divided by their
    /// weights' sum when normalising).
    private static func formula(
        deltas: [Double], base: Double, index: Int, sparsifiers: [TaskVectorSparsifier], weights: [Double], normalize: Bool, lambda: Double
    ) -> Double {
        let terms = zip(deltas, zip(sparsifiers, weights)).map { delta, setting -> Double in
            let (sparsifier, weight) = setting
            switch sparsifier.mask {
            case .keepAll: return ((delta * 1) * sparsifier.scale) * weight
            case .keepNone: return (0 * sparsifier.scale) * weight
            case let .magnitude(threshold): return ((delta * (threshold.keeps(delta, at: index) ? 1 : 0)) * sparsifier.scale) * weight
            case .random: preconditionFailure("TIES masks by magnitude")
            }
        }
        let elected: Double = terms.reduce(0, +) >= 0 ? 1 : -1
        var (sum, divisor) = (0.0, 0.0)
        for (term, weight) in zip(terms, weights) {
            let agrees: Double = term * elected > 0 ? 1 : 0
            sum += term * agrees
            divisor += weight * agrees
        }
        return (normalize ? sum / (divisor == 0 ? 1 : divisor) : sum) * lambda + base
    }
}
