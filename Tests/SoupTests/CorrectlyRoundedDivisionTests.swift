@testable import Soup
import XCTest

final class CorrectlyRoundedDivisionTests: XCTestCase {
    func testMatchesTheDivisionInstructionBitForBit() {
        var generator = SystemRandomNumberGenerator()
        for divisor in [3.0, 7.0, 0.3, 1.7, 12345.678, -5.0, 1e-3, 6.0] {
            let division = CorrectlyRoundedDivision(divisor: divisor)
            var values = (0..<20_000).map { _ in
                Double(sign: Bool.random(using: &generator) ? .minus : .plus,
                       exponent: Int.random(in: -60...60, using: &generator),
                       significand: Double.random(in: 1..<2, using: &generator))
            }
            // Exact multiples of the divisor: quotients that are ties of narrower formats must not move.
            values += (0..<1000).map { Double($0) * divisor }
            let expected = values.map { $0 / divisor }
            values.withUnsafeMutableBufferPointer { division.apply(to: $0) }
            XCTAssertEqual(values.map(\.bitPattern), expected.map(\.bitPattern), "divisor \(divisor)")
        }
    }

    func testKeepsInfinitiesAndNaN() {
        var values: [Double] = [.infinity, -.infinity, .nan, 0, -0.0]
        values.withUnsafeMutableBufferPointer { CorrectlyRoundedDivision(divisor: 3).apply(to: $0) }
        XCTAssertEqual(values[0], .infinity)
        XCTAssertEqual(values[1], -.infinity)
        XCTAssertTrue(values[2].isNaN)
        XCTAssertEqual(values[3].bitPattern, 0.0.bitPattern)
        XCTAssertEqual(values[4].bitPattern, (-0.0).bitPattern)
    }
}
