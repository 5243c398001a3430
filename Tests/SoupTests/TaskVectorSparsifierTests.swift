@testable import Soup
import XCTest

final class TaskVectorSparsifierTests: XCTestCase {
    /// TIES's mask is applied inside the weighing loop: every block, whether it lies before, across
    /// or past the tie limit, weighs each element as ((δ·m)·s)·w with m from `TrimThreshold.keeps`,
    /// adds it to the running total, and keeps NaN and ±Inf (dropped ones become NaN, as 0·∞).
    func testMagnitudeMaskWeighsEachElementAsItsThresholdDecidesOnEverySideOfTheTieLimit() {
        let tie = 0.5
        let values: [Double] = (0..<40).map { index in
            switch index % 8 {
            case 0, 3: tie
            case 1: -tie
            case 2: .nan
            case 4: -.infinity
            case 5: Double(index) / 100
            case 6: -0.0
            default: 2
            }
        }
        let threshold = TrimThreshold(key: TrimThreshold.magnitudeKey(tie), tieIndexLimit: 1_019)
        let sparsifier = TaskVectorSparsifier(mask: .magnitude(threshold), scale: 1.5)
        // Blocks wholly before the limit, across it, and wholly past it.
        for start in [900, 1_000, 1_019, 1_100] {
            for startsTotal in [true, false] {
                let totals = values.map { $0 / 3 }
                let expectedTerms = values.enumerated().map { k, delta in
                    ((delta * (threshold.keeps(delta, at: start + k) ? 1 : 0)) * 1.5) * 0.75
                }
                let expectedTotals = zip(totals, expectedTerms).map { startsTotal ? 0 + $1 : $0 + $1 }
                var (deltas, total, factors) = (values, totals, [Double](repeating: 0, count: values.count))
                deltas.withUnsafeMutableBufferPointer { deltas in
                    total.withUnsafeMutableBufferPointer { total in
                        factors.withUnsafeMutableBufferPointer { factors in
                            sparsifier.weigh(deltas, from: start, weight: 0.75, into: total, startsTotal: startsTotal, factors: factors)
                        }
                    }
                }
                XCTAssertEqual(deltas.map(comparableBits), expectedTerms.map(comparableBits), "start \(start)")
                XCTAssertEqual(total.map(comparableBits), expectedTotals.map(comparableBits), "start \(start), starts total \(startsTotal)")
            }
        }
        // Ties before the limit are kept, from it on dropped; a larger magnitude always kept.
        XCTAssertTrue(threshold.keeps(tie, at: 1_018))
        XCTAssertFalse(threshold.keeps(-tie, at: 1_019))
        XCTAssertTrue(threshold.keeps(2, at: 5_000))
    }
}
