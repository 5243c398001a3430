@testable import Soup
import XCTest

final class SignConsensusTests: XCTestCase {
    /// Value by value as mergekit's formula reads, for every block length from 0 to 13 (whole and
    /// partial vectors), with zeros of both signs, NaN and ±Inf among the terms, for none, one, three
    /// and eleven ingredients (more than one loop's group, the sums kept between groups).
    func testEveryValueIsMergedAsTheFormulaReadsWhateverTheBlockLength() {
        var generator = SystemRandomNumberGenerator()
        let specials: [Double] = [0, -0.0, .nan, .infinity, -.infinity]
        let weightSets: [[Double]] = [[], [0.3], [1.0, 0.5, -0.25], (0..<11).map { 0.1 * Double($0 % 4) - 0.05 }]
        for weights in weightSets {
            for normalize in [true, false] {
                for count in 0...13 {
                    let terms = weights.map { _ in
                        (0..<count).map { _ in Int.random(in: 0..<6, using: &generator) == 0 ? specials.randomElement()! : Double.random(in: -1...1) }
                    }
                    let base = (0..<count).map { _ in Double.random(in: -1...1) }
                    let total = (0..<count).map { k in terms.reduce(0) { $0 + $1[k] } }
                    let expected = (0..<count).map { k in
                        signConsensusFormula(terms: terms.map { $0[k] }, weights: weights, base: base[k], normalize: normalize, lambda: 0.75)
                    }
                    let merged = Self.merge(terms, total: total, base: base, consensus: SignConsensus(weights: weights, normalize: normalize, lambda: 0.75))
                    XCTAssertEqual(merged.map(comparableBits), expected.map(comparableBits), "\(weights.count) ingredients, count \(count), normalize \(normalize)")
                }
            }
        }
    }

    private static func merge(_ terms: [[Double]], total: [Double], base: [Double], consensus: SignConsensus) -> [Double] {
        let buffers = (terms + [total, base, base, base]).map { values in
            let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: values.count)
            _ = buffer.initialize(from: values)
            return buffer
        }
        defer { buffers.forEach { $0.deallocate() } }
        consensus.merge(terms: buffers[0..<terms.count], total: buffers[terms.count], base: buffers[terms.count + 1], divisors: buffers[terms.count + 3], into: buffers[terms.count + 2])
        return Array(buffers[terms.count + 2])
    }
}
