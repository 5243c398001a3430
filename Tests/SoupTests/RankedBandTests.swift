@testable import Soup
import XCTest

final class RankedBandTests: XCTestCase {
    /// Against the standard library's sort: bands at either end and in the middle, single ranks,
    /// keys all equal, keys all in one top-16-bit bucket, keys spread over every bucket, and
    /// magnitude keys of random task-vector values as a window's sample holds them.
    func testReturnsTheKeysOfTheRanksLargestFirst() {
        var generator = SystemRandomNumberGenerator()
        let cases: [[UInt64]] = [
            [7], [5, 5, 5, 5],
            [0, .max, 1, .max - 1, 1 << 63, 0, 1 << 48, (1 << 48) - 1],
            (0..<2000).map { _ in 0x3F50_0000_0000_0000 | UInt64.random(in: 0..<(1 << 20), using: &generator) },
            (0..<5000).map { _ in UInt64.random(in: 0...UInt64.max, using: &generator) >> UInt64.random(in: 0..<64, using: &generator) },
            (0..<3000).map { _ in UInt64.random(in: 0..<4, using: &generator) },
            (0..<20000).map { _ in TrimThreshold.magnitudeKey(Double(Float.random(in: -1...1, using: &generator) * 0.02)) },
        ]
        for keys in cases {
            let sorted = keys.sorted(by: >)
            let last = keys.count - 1
            let bands = [0...last, 0...0, last...last, 0...(last / 3), (last / 2)...last, (last / 3)...(last / 3 + last / 10)]
            for ranks in bands {
                XCTAssertEqual(RankedBand.keys(ofRanks: ranks, among: keys), Array(sorted[ranks]), "ranks \(ranks) of \(keys.count) keys")
            }
        }
    }
}
