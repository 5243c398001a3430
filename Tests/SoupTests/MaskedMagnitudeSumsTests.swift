@testable import Soup
import XCTest

final class MaskedMagnitudeSumsTests: XCTestCase {
    private func sums(_ values: [Double], mask: TaskVectorSparsifier.Mask) -> MaskedMagnitudeSums {
        var sums = MaskedMagnitudeSums(mask: mask)
        var deltas = values
        var factors = [Double](repeating: 0, count: values.count)
        deltas.withUnsafeMutableBufferPointer { deltas in
            factors.withUnsafeMutableBufferPointer { sums.add(deltas, under: TaskVectorSparsifier(mask: mask), from: 0, factors: $0) }
        }
        return sums
    }

    /// Keeps the elements whose magnitude is at least 1 (indices 0 and 2 here).
    private let keepLarge = TaskVectorSparsifier.Mask.magnitude(TrimThreshold(key: TrimThreshold.magnitudeKey(1), tieIndexLimit: .max))

    func testBeforeIsTheWholeNormAndAfterTheKeptElementsNorm() {
        let masked = sums([4, 0.25, -1, -0.5, 1], mask: keepLarge)
        XCTAssertEqual(masked.before, 6.75)
        XCTAssertEqual(masked.after, 6)
        let all = sums([3, -0.5], mask: .keepAll)
        XCTAssertEqual([all.before, all.after], [3.5, 3.5])
        let none = sums([3, -0.5], mask: .keepNone)
        XCTAssertEqual([none.before, none.after], [3.5, 0])
    }

    func testADroppedInfinityOrNaNMakesTheMaskedNormNaNUnlessTheMaskZeroes() {
        let droppedNaN = sums([2, .nan], mask: keepLarge)
        XCTAssertTrue(droppedNaN.before.isNaN)
        XCTAssertTrue(droppedNaN.after.isNaN)
        let keptInfinity = sums([-.infinity, 0.5], mask: keepLarge)
        XCTAssertEqual([keptInfinity.before, keptInfinity.after], [.infinity, .infinity])
        let none = sums([2, .infinity], mask: .keepNone)
        XCTAssertEqual([none.before, none.after], [.infinity, 0])
    }

    func testThreadsPartialSumsAddUpToTheWhole() {
        let values = (0..<1000).map { Double($0 % 17) * 0.125 - 1 }
        var split = sums(Array(values[..<400]), mask: keepLarge)
        split.add(sums(Array(values[400...]), mask: keepLarge))
        let whole = sums(values, mask: keepLarge)
        XCTAssertEqual([split.before, split.after], [whole.before, whole.after])
    }
}
