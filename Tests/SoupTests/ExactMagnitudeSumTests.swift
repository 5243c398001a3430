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

    func testNonFiniteValuesGiveNaNOrInfinity() {
        XCTAssertEqual(sum([1, -.infinity]).total, .infinity)
        XCTAssertTrue(sum([1, .infinity, .nan]).total.isNaN)
        XCTAssertEqual(sum([]).total, 0)
    }
}
