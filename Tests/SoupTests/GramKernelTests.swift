@testable import Soup
import TureenCore
import XCTest

final class GramKernelTests: XCTestCase {
    /// Values whose products neither cancel nor repeat: a small linear congruential sequence in [−1, 1).
    private func values(count: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(Float(Double(state >> 40) / Double(1 << 23) - 1))
        }
    }

    /// The dot products against a plain Float64 sum, for lengths that end inside a block of 512, a
    /// run of 32 and a vector of 8, on one and two threads, raw and relative to a base.
    func testDotProductsMatchAFloat64SumWhateverTheLengthAndThreads() throws {
        for count in [1, 7, 8, 33, 517, 1100, 70_001] {
            let (a, b, base) = (values(count: count, seed: 1), values(count: count, seed: 2), values(count: count, seed: 3))
            let entry = try sparseMergeEntry(ingredients: [a, b], base: base)
            func dot(_ x: [Double], _ y: [Double]) -> Double { zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }
            let (da, db) = (zip(a, base).map { $0 - $1 }, zip(b, base).map { $0 - $1 })
            let expected = (raw: [dot(a, a), dot(a, b), dot(b, b)], relative: [dot(da, da), dot(da, db), dot(db, db)])
            for threads in [1, 2] {
                let passes = statisticsPasses(threads: threads, chunk: 20_000)
                let types = Array(repeating: DType.f32, count: 3)
                let raw = GramKernel.combine(try passes.run(GramKernel(sourceTypes: Array(types.prefix(2)), relativeToLast: false), over: Array(entry.inputs)))
                let relative = GramKernel.combine(try passes.run(GramKernel(sourceTypes: types, relativeToLast: true), over: entry.sources))
                for (actual, reference) in zip(raw + relative, expected.raw + expected.relative) {
                    XCTAssertEqual(actual, reference, accuracy: 1e-12 * max(1, abs(reference)), "\(count) values, \(threads) threads")
                }
            }
        }
    }
}
