@testable import Soup
import XCTest

final class RadixSortTests: XCTestCase {
    /// Against the standard library's sort: empty, one key, equal keys, keys sharing high bytes
    /// (skipped passes), the extremes, and random keys of every magnitude.
    func testSortsLikeTheStandardLibraryFromLargestToSmallest() {
        var generator = SystemRandomNumberGenerator()
        let cases: [[UInt64]] = [
            [], [7], [5, 5, 5], [0, .max, 1, .max - 1, 1 << 63, 0],
            (0..<1000).map { _ in 0x3F50_0000_0000_0000 | UInt64.random(in: 0..<(1 << 20), using: &generator) },
            (0..<5000).map { _ in UInt64.random(in: 0...UInt64.max, using: &generator) >> UInt64.random(in: 0..<64, using: &generator) },
            (0..<3000).map { _ in UInt64.random(in: 0..<4, using: &generator) },
        ]
        for keys in cases {
            XCTAssertEqual(RadixSort.descending(keys), keys.sorted(by: >), "\(keys.count) keys")
        }
    }
}
