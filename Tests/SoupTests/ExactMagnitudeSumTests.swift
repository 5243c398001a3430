@testable import Soup
import XCTest

final class ExactMagnitudeSumTests: XCTestCase {
    private func sum(_ values: [Double]) -> ExactMagnitudeSum {
        var result = ExactMagnitudeSum()
        var copy = values
        copy.withUnsafeMutableBufferPointer { result.add($0) }
        return result
    }

    func testSumIsExactWhereFloatAdditionLosesTheSmallTerms() {
        XCTAssertEqual(sum([1e16, 1, 1, 1, 1, -1e16]).total, 2e16 + 4)
        XCTAssertEqual(sum([0x1p-1074, -0x1p-1074, 0x1p-1074]).total, 3 * 0x1p-1074)
    }

    func testTotalIsTheCorrectlyRoundedSum() {
        // 1 + 2⁻⁵³ + 2⁻¹⁰⁰: the exact sum lies just above the halfway point, so it rounds up.
        XCTAssertEqual(sum([1, 0x1p-53, 0x1p-100]).total, 1 + 0x1p-52)
        XCTAssertEqual(sum([1, 0x1p-53]).total, 1)
        XCTAssertEqual(sum([0x1.fffffffffffffp1023, 0x1p970]).total, .infinity)
        XCTAssertEqual(sum([0x1p-1022, -0x1p-1074]).total, 0x1p-1022 + 0x1p-1074)
    }

    func testOrderAndSplitDoNotChangeTheTotal() {
        var generator = SeededGenerator(seed: 3)
        let values = (0..<10_000).map { _ in Double.random(in: -1...1, using: &generator) * pow(10, Double(Int.random(in: -8...8, using: &generator))) }
        let whole = sum(values).total
        XCTAssertEqual(sum(values.reversed()).total, whole)
        var split = sum(Array(values[..<3333]))
        split.add(sum(Array(values[3333...])))
        XCTAssertEqual(split.total, whole)
    }

    func testSmallValuesBesideALargeOneInABlockStillCount() {
        // 1 + 1023·2⁻⁶⁰ rounds to 1 + 4·2⁻⁵²; adding in Float64 would stay at 1.
        let small = [Double](repeating: 0x1p-60, count: 1023)
        XCTAssertEqual(sum([1] + small).total, 1 + 0x1p-50)
        XCTAssertEqual(sum(small + [-1]).total, 1 + 0x1p-50)
    }

    func testBlocksGiveTheSumOfTheValuesAddedOneByOne() {
        var generator = SeededGenerator(seed: 5)
        // Magnitudes from subnormals to near the largest finite, so some blocks need many levels
        // and some values the value-by-value path.
        let values = (0..<3000).map { index -> Double in
            let exponent = index % 7 == 0 ? Int.random(in: -1074...1000, using: &generator) : Int.random(in: -80...10, using: &generator)
            return Double(sign: Bool.random(using: &generator) ? .minus : .plus, exponent: exponent, significand: Double.random(in: 1..<2, using: &generator))
        }
        var oneByOne = ExactMagnitudeSum()
        for value in values { oneByOne.add(sum([value])) }
        XCTAssertEqual(sum(values).total, oneByOne.total)
    }

    func testNonFiniteValuesGiveNaNOrInfinity() {
        XCTAssertEqual(sum([1, -.infinity]).total, .infinity)
        XCTAssertTrue(sum([1, .infinity, .nan]).total.isNaN)
        XCTAssertEqual(sum([]).total, 0)
    }
}
