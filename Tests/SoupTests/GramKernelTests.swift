@testable import Soup
import TureenCore
import XCTest

final class GramKernelTests: XCTestCase {
    /// Multiples of 1/64 in [−1, 1), exact in every float dtype, whose products and sums (far below
    /// 2⁵³ units of 2⁻¹²) are exact in Float64 in any order: a small linear congruential sequence.
    private func values(count: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(Int(state >> 57) - 64) / 64
        }
    }

    /// The dot products, exactly, for lengths that end inside a block of 512, a run of 32 and a
    /// vector of 8, on one and two threads, raw and relative to a base, from each float dtype.
    func testDotProductsAreExactWhateverTheLengthThreadsAndDType() throws {
        for dtype in [DType.f32, .bf16, .f16] {
            for count in [1, 7, 8, 33, 517, 1100, 70_001] {
                let (a, b, base) = (values(count: count, seed: 1), values(count: count, seed: 2), values(count: count, seed: 3))
                let entry = try sparseMergeEntry(ingredients: [a, b], base: base, dtype: dtype)
                func dot(_ x: [Double], _ y: [Double]) -> Double { zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }
                let (da, db) = (zip(a, base).map { $0 - $1 }, zip(b, base).map { $0 - $1 })
                let expected = [dot(a, a), dot(a, b), dot(b, b), dot(da, da), dot(da, db), dot(db, db)]
                for threads in [1, 2] {
                    let passes = statisticsPasses(threads: threads, chunk: 20_000)
                    let types = Array(repeating: dtype, count: 3)
                    let raw = GramKernel.combine(try passes.run(GramKernel(sourceTypes: Array(types.prefix(2)), relativeToLast: false), over: Array(entry.inputs)))
                    let relative = GramKernel.combine(try passes.run(GramKernel(sourceTypes: types, relativeToLast: true), over: entry.sources))
                    XCTAssertEqual(raw + relative, expected, "\(dtype), \(count) values, \(threads) threads")
                }
            }
        }
    }
}
