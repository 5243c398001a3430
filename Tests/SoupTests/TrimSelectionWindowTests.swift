@testable import Soup
import TureenCore
import TureenTestSupport
import XCTest

/// TIES's threshold on tensors large enough for the sampled window (`TrimSelection.narrowByWindows`),
/// against a sort: the same kept set whichever path the selection takes, for any chunking and threads.
final class TrimSelectionWindowTests: XCTestCase {
    private let count = TrimSelection.windowedValueCount + 12_345

    /// The kept elements by sorting: the k = max(1, ⌊density·n⌋) largest keys, lower index first among equals.
    private func referenceKept(_ deltas: [Double], density: Double) -> [Bool] {
        let keys = deltas.map(TrimThreshold.magnitudeKey)
        let keep = max(1, Int(density * Double(keys.count)))
        let threshold = keys.sorted(by: >)[keep - 1]
        var ties = keep - keys.filter { $0 > threshold }.count
        return keys.map { key in
            guard key == threshold else { return key > threshold }
            ties -= 1
            return ties >= 0
        }
    }

    /// The task vectors as the kernels see them: the values rounded to `dtype`, base subtracted in Float64.
    private func deltas(_ ingredients: [[Double]], _ base: [Double], _ dtype: DType, baseDType: DType? = nil) -> [[Double]] {
        let stored = { (values: [Double], dtype: DType) in TensorBytes.decode(TensorBytes.encode(values, as: dtype), as: dtype) }
        let storedBase = stored(base, baseDType ?? dtype)
        return ingredients.map { zip(stored($0, dtype), storedBase).map { $0 - $1 } }
    }

    private func normal(_ generator: inout SeededGenerator, scale: Double) -> Double {
        let u = Double.random(in: Double.ulpOfOne...1, using: &generator)
        let v = Double.random(in: 0..<1, using: &generator)
        return scale * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// Checks every ingredient's kept set for several chunk sizes and thread counts; returns the
    /// selections after the window step (1 thread).
    @discardableResult
    private func check(
        _ ingredients: [[Double]], base: [Double], dtype: DType, baseDType: DType? = nil, densities: [Double],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> (selections: [TrimSelection], tiesPerRegion: [Int: TrimSelection.RegionTies]) {
        let entry = try sparseMergeEntry(ingredients: ingredients, base: base, dtype: dtype, baseDType: baseDType)
        let all = deltas(ingredients, base, dtype, baseDType: baseDType)
        let expected = zip(all, densities).map { referenceKept($0, density: $1) }
        for (threads, chunk) in [(1, 1 << 20), (2, 50_001), (2, 4096)] {
            let thresholds = try TrimSelection.thresholds(of: entry, densities: densities, passes: statisticsPasses(threads: threads, chunk: chunk))
            for index in all.indices {
                let kept = all[index].indices.map { thresholds[index].keeps(all[index][$0], at: $0) }
                XCTAssertTrue(kept == expected[index], "ingredient \(index), \(threads) threads, chunk \(chunk)", file: file, line: line)
            }
        }
        let valueCount = ingredients[0].count
        var selections = densities.map { TrimSelection(elementCount: valueCount, density: $0) }
        let tiesPerRegion = try TrimSelection.narrowByWindows(
            &selections, valueCount: valueCount, sources: { $0.map { entry.inputs[$0] } + [entry.base!] }, passes: statisticsPasses())
        return (selections, tiesPerRegion)
    }

    func testBFloat16TaskVectorsTakeTheWindowAndItsTieCounts() throws {
        var generator = SeededGenerator(seed: 21)
        let base = (0..<count).map { _ in normal(&generator, scale: 0.02) }
        let ingredients = (0..<3).map { _ in base.map { $0 + normal(&generator, scale: 0.002) } }
        let (selections, tiesPerRegion) = try check(ingredients, base: base, dtype: .bf16, densities: [0.5, 0.2, 0.9])
        let all = deltas(ingredients, base, .bf16)
        for (index, selection) in selections.enumerated() {
            guard case let .tieCutoff(key, _) = selection.step else { return XCTFail("ingredient \(index): \(selection.step), not a tie cutoff from the window") }
            guard let (regions, counts) = tiesPerRegion[index] else { return XCTFail("ingredient \(index): ties not counted by the window pass") }
            // The threshold is one of the sample's frequent keys, so its ties were counted in the
            // fine regions (the tie pass reads one of 64), and counted right.
            XCTAssertGreaterThan(regions.count, MagnitudeWindow.regionLimit, "ingredient \(index)")
            let direct = (0..<regions.count).map { region in regions.values(of: region).count { TrimThreshold.magnitudeKey(all[index][$0]) == key } }
            XCTAssertEqual(counts, direct, "ingredient \(index)")
        }
    }

    func testFloat32TaskVectorsTakeTheWindow() throws {
        var generator = SeededGenerator(seed: 22)
        let base = (0..<count).map { _ in normal(&generator, scale: 0.02) }
        let ingredients = (0..<2).map { _ in base.map { $0 + normal(&generator, scale: 0.002) } }
        let (selections, _) = try check(ingredients, base: base, dtype: .f32, densities: [0.3, 0.01])
        for selection in selections { XCTAssertNotEqual(selection.step, .histogram(.allKeys)) }
    }

    func testEqualAndZeroTaskVectors() throws {
        let base = (0..<count).map { Double($0 % 7) }
        let equal = base.enumerated().map { $1 + ($0 % 3 == 0 ? -1.5 : 1.5) }
        let (selections, tiesPerRegion) = try check([equal, base], base: base, dtype: .f32, densities: [0.4, 0.6])
        XCTAssertEqual(tiesPerRegion.keys.sorted(), [0, 1])
        XCTAssertEqual(selections.map(\.keep), [Int(0.4 * Double(count)), Int(0.6 * Double(count))])
    }

    func testNaNAndInfinitiesAmongTiedValues() throws {
        var generator = SeededGenerator(seed: 23)
        let base = Array(repeating: 0.0, count: count)
        let specials: [Double] = [.nan, .infinity, -.infinity, 0, -0.0]
        let ingredient = (0..<count).map { _ in
            Int.random(in: 0..<10, using: &generator) == 0 ? specials.randomElement(using: &generator)! : Double(Int.random(in: -4...4, using: &generator))
        }
        // Float64 takes the exact path only; the others classify in Float first.
        for dtype in [DType.f64, .f32, .bf16, .f16] {
            try check([ingredient, ingredient], base: base, dtype: dtype, densities: [0.05, 0.5])
        }
    }

    /// Float32 task vectors whose difference rounds in Float (bases far larger than the values,
    /// over many exponents), and an ingredient of another dtype than the base's.
    func testDifferencesThatRoundInFloatAndMixedDTypes() throws {
        var generator = SeededGenerator(seed: 24)
        func spread() -> [Double] { (0..<count).map { _ in normal(&generator, scale: 1) * pow(2, Double(Int.random(in: -30...30, using: &generator))) } }
        let (base, ingredients) = (spread(), [spread(), spread()])
        try check(ingredients, base: base, dtype: .f32, densities: [0.5, 0.03])
        let near = (0..<count).map { _ in normal(&generator, scale: 0.02) }
        let tuned = near.map { $0 + normal(&generator, scale: 0.002) }
        try check([tuned, tuned], base: near, dtype: .bf16, baseDType: .f32, densities: [0.5, 0.25])
        try check([tuned], base: near, dtype: .f16, baseDType: .bf16, densities: [0.4])
    }

    /// The tensor's first half holds small values and its second large ones, or the values are
    /// sorted: an even sample still sees every part.
    func testOrderedValues() throws {
        let base = Array(repeating: 0.0, count: count)
        let halves = (0..<count).map { $0 < count / 2 ? Double($0 % 100) * 1e-3 : Double($0 % 100) }
        let sorted = (0..<count).map { Double($0 / 50) * -0.25 }
        try check([halves, sorted], base: base, dtype: .f32, densities: [0.3, 0.7])
    }

    /// Values that are large (or small) only where the sample reads them put the window far from
    /// the threshold: the selection starts over and still keeps exactly the k largest. (The tensor
    /// is four samples' size, so that most of it lies outside the sample.)
    func testMisleadingSampleFallsBackToTheFullSelection() throws {
        let count = 4 * MagnitudeWindow.sampleRuns * MagnitudeWindow.runLength + 12_345
        let stride = count / MagnitudeWindow.sampleRuns
        let offset = (stride - MagnitudeWindow.runLength) / 2
        let sampled = { (index: Int) in (index % stride) - offset >= 0 && (index % stride) - offset < MagnitudeWindow.runLength }
        let base = Array(repeating: 0.0, count: count)
        let large = (0..<count).map { sampled($0) ? 1000 + Double($0 % 13) : Double($0 % 5) }
        let small = (0..<count).map { sampled($0) ? Double($0 % 3) * 1e-6 : 1 + Double($0 % 5) }
        let (selections, tiesPerRegion) = try check([large, small], base: base, dtype: .f32, densities: [0.5, 0.5])
        for selection in selections { XCTAssertEqual(selection.step, .histogram(.allKeys)) }
        XCTAssertTrue(tiesPerRegion.isEmpty)
    }
}
