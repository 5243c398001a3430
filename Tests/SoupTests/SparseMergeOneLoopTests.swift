@testable import Soup
import TureenCore
import TureenTestSupport
import XCTest

/// TIES's one-loop merge (`SignConsensus.mergeDecoding`, taken where every input has the same
/// dtype) against mergekit's formula and against the block-by-block merge it stands in for (taken
/// where the base's dtype differs: here Float64 holding the same values).
final class SparseMergeOneLoopTests: XCTestCase {
    func testOneLoopMergeIsTheFormulaAndTheBlockByBlockMerge() throws {
        var generator = SeededGenerator(seed: 15)
        for dtype in [DType.bf16, .f16, .f32, .f64] {
            for ingredientCount in [1, 3, 8, 9] {
                for (round, (normalize, unitFactors)) in [(true, true), (true, false), (false, true), (false, false)].enumerated() {
                    let label = "\(dtype), \(ingredientCount) ingredients, normalize \(normalize), unit factors \(unitFactors)"
                    let count = 1_300
                    let base = Self.values(count, as: dtype, using: &generator)
                    let ingredients = (0..<ingredientCount).map { _ in Self.values(count, as: dtype, using: &generator) }
                    let weights = (0..<ingredientCount).map { _ in unitFactors ? 1 : [1, 0.5, -0.25, 2].randomElement(using: &generator)! }
                    // Every mask in turn over the ingredients, shifted each round.
                    let sparsifiers = ingredients.indices.map { index in
                        Self.sparsifier(
                            Self.Mask.allCases[(index + round) % Self.Mask.allCases.count], deltas: zip(ingredients[index], base).map(-),
                            rescaled: !unitFactors && index == 1)
                    }
                    let expected = (0..<count).map { k in
                        Self.formula(
                            deltas: ingredients.map { $0[k] - base[k] }, base: base[k], index: k, sparsifiers: sparsifiers,
                            weights: weights, normalize: normalize)
                    }
                    // One loop, rounding into the inputs' dtype and into Float64 (its own bits); block by block.
                    var settings: [(base: DType, output: DType)] = [(dtype, dtype), (dtype, .f64)]
                    if dtype != .f64 { settings += [(.f64, dtype), (.f64, .f64)] }
                    var counts: [NonFiniteCount] = []
                    for (baseDType, outputType) in settings {
                        let entry = try sparseMergeEntry(ingredients: ingredients, base: base, dtype: dtype, baseDType: baseDType)
                        let kernel = SparseMergeKernel(
                            inputTypes: entry.sourceTypes, outputType: outputType, weights: weights, sparsifiers: sparsifiers,
                            signConsensus: true, normalize: normalize, lambda: 0.75)
                        // Slices that start inside blocks, so the masks' element indices are offset.
                        let run = try runKernel(kernel, on: entry, slice: 700)
                        let expectedBits = Self.rounded(expected, to: outputType).map(comparableBits)
                        XCTAssertEqual(run.values.map(comparableBits), expectedBits, "\(label), base \(baseDType), output \(outputType)")
                        counts.append(run.counts)
                    }
                    XCTAssertEqual(Set(counts.map(\.result)).count, 1, label)
                    XCTAssertEqual(Set(counts.map(\.perIngredient)).count, 1, label)
                    XCTAssertGreaterThan(counts[0].result, 0, "\(label): NaN and ±Inf are among the inputs")
                }
            }
        }
    }

    /// The one loop merges a block it can (any of its dtypes, complex ones by component) and, for
    /// one it cannot, says so and leaves the result as it was.
    func testOneLoopTakesOnlyTheBlocksItCanMergeAndWritesNothingInTheOthers() throws {
        var generator = SeededGenerator(seed: 16)
        let count = 64
        let threshold = TrimThreshold(key: TrimThreshold.magnitudeKey(0.5), tieIndexLimit: 10)
        let kept = TaskVectorSparsifier(mask: .magnitude(TrimThreshold(key: threshold.key, tieIndexLimit: .max)))
        let cases: [(name: String, dtype: DType, sparsifiers: [TaskVectorSparsifier], merges: Bool)] = [
            ("bf16", .bf16, [kept, TaskVectorSparsifier(mask: .keepAll)], true),
            ("f16", .f16, [kept, kept], true),
            ("c64 (f32 components)", .c64, [kept, kept], true),
            ("c128 (f64 components)", .c128, [kept, kept], true),
            ("nine ingredients", .f32, Array(repeating: kept, count: 9), false),
            ("keep-none mask", .f32, [kept, TaskVectorSparsifier(mask: .keepNone)], false),
            ("random mask", .f32, [kept, TaskVectorSparsifier(mask: .random(DropoutMask(seed: 0, ingredient: 1, tensorName: "w", density: 0.5)))], false),
            ("tie limit inside the block", .f32, [kept, TaskVectorSparsifier(mask: .magnitude(threshold))], false),
            ("float8", .f8E4M3, [kept, kept], false),
        ]
        for (name, dtype, sparsifiers, merges) in cases {
            let width = dtype.componentType.byteWidth
            let inputs = (0...sparsifiers.count).map { _ in
                Self.bytes(Self.values(count, as: dtype.componentType, using: &generator), as: dtype.componentType)
            }
            let result = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
            defer { result.deallocate() }
            result.initialize(repeating: 12_345)
            let consensus = SignConsensus(weights: Array(repeating: 1, count: sparsifiers.count), normalize: true, lambda: 1)
            var merged = false
            try withRawViews(inputs) { raw in
                merged = consensus.mergeDecoding(raw, dtype: dtype, sparsifiers: sparsifiers, firstValue: 0, into: result)
            }
            XCTAssertEqual(merged, merges, name)
            guard merges else {
                XCTAssertTrue(result.allSatisfy { $0 == 12_345 }, "\(name): nothing written")
                continue
            }
            for k in 0..<count {
                let decoded = inputs.map { TensorBytes.decode(Array($0[(k * width)..<((k + 1) * width)]), as: dtype.componentType)[0] }
                let expected = Self.formula(
                    deltas: decoded.dropLast().map { $0 - decoded.last! }, base: decoded.last!, index: k, sparsifiers: sparsifiers,
                    weights: consensus.weights, normalize: true, lambda: 1)
                XCTAssertEqual(comparableBits(result[k]), comparableBits(expected), "\(name), value \(k)")
            }
        }
    }

    /// The masks a test ingredient takes.
    private enum Mask: CaseIterable {
        case keepAll
        /// Trimmed at one of its magnitudes (a value's between 512 and 650, so a tie there), with
        /// the tie limit before the tensor, after it, or inside the block from 512 (which is then
        /// merged block by block).
        case trimmedTiesDropped, trimmedTiesKept, trimmedTieLimitInside
        /// Takes the block-by-block merge for every block.
        case keepNone
    }

    private static func sparsifier(_ mask: Mask, deltas: [Double], rescaled: Bool) -> TaskVectorSparsifier {
        let key = TrimThreshold.magnitudeKey(deltas[512..<650].first(where: \.isFinite)!)
        let chosen: TaskVectorSparsifier.Mask = switch mask {
        case .keepAll: .keepAll
        case .trimmedTiesDropped: .magnitude(TrimThreshold(key: key, tieIndexLimit: 0))
        case .trimmedTiesKept: .magnitude(TrimThreshold(key: key, tieIndexLimit: .max))
        case .trimmedTieLimitInside: .magnitude(TrimThreshold(key: key, tieIndexLimit: 650))
        case .keepNone: .keepNone
        }
        return TaskVectorSparsifier(mask: chosen, scale: rescaled ? 1 / 0.3 : 1)
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

    /// `values` rounded into `dtype`, as bytes.
    private static func bytes(_ values: [Double], as dtype: DType) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: values.count * dtype.componentType.byteWidth)
        values.withUnsafeBufferPointer { source in bytes.withUnsafeMutableBytes { ElementCodec.encode(source, to: dtype, into: $0) } }
        return bytes
    }

    /// `values` rounded into `dtype` and read back.
    private static func rounded(_ values: [Double], to dtype: DType) -> [Double] {
        TensorBytes.decode(bytes(values, as: dtype), as: dtype)
    }

    /// One value as mergekit's TIES computes it (in Float64): each term ((δ·m)·s)·w (keep-none's
    /// (0·s)·w), then the sign consensus.
    private static func formula(
        deltas: [Double], base: Double, index: Int, sparsifiers: [TaskVectorSparsifier], weights: [Double], normalize: Bool,
        lambda: Double = 0.75
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
        return signConsensusFormula(terms: terms, weights: weights, base: base, normalize: normalize, lambda: lambda)
    }
}
