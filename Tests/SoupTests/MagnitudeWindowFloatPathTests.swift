@testable import Soup
import XCTest

/// The window pass places most values from their task-vector value taken in `Float`
/// (`MagnitudeWindowKernel.Counts.add(values:base:first:)`), which rounds where the exact Float64
/// difference does not; it must count exactly as the exact path (`add(_:first:)`) does.
final class MagnitudeWindowFloatPathTests: XCTestCase {
    private typealias Counts = MagnitudeWindowKernel.Counts

    func testFloatBoundsLieJustOutsideTheirBound() {
        let bounds: [Double] = [
            0, .leastNonzeroMagnitude, 1e-300, Double(Float.leastNonzeroMagnitude), 1e-40, 0.1, 1, 1.0.nextUp, 3.0e38,
            Double(Float.greatestFiniteMagnitude), Double(Float.greatestFiniteMagnitude).nextUp, 1e300, .greatestFiniteMagnitude,
        ]
        for bound in bounds {
            let (below, above) = (Counts.float(below: bound), Counts.float(above: bound))
            XCTAssertLessThan(Double(below), bound, "below \(bound)")
            XCTAssertGreaterThanOrEqual(Double(below.nextUp), bound, "below \(bound) is the largest")
            XCTAssertGreaterThan(Double(above), bound, "above \(bound)")
            XCTAssertLessThanOrEqual(Double(above.nextDown), bound, "above \(bound) is the smallest")
        }
        XCTAssertEqual(Counts.float(below: .infinity), .greatestFiniteMagnitude)
        XCTAssertEqual(Counts.float(above: .infinity), .infinity, "nothing is above +∞: every value at or past the window's start takes its exact key")
        // A window starting past +∞'s key (NaN keys): every finite value is below it.
        XCTAssertEqual(Counts.float(below: .nan), .infinity)
        XCTAssertEqual(Counts.float(above: .nan), .infinity)
    }

    /// The window ends with the bucket of the sample band's largest key, not at the end of the
    /// aligned range of buckets, which may be twice as wide: fewer values take a bucket update.
    func testTheWindowEndsWithTheBucketOfTheBandsLargestKey() {
        let (low, high) = (TrimThreshold.magnitudeKey(0.37), TrimThreshold.magnitudeKey(0.5))
        let window = MagnitudeWindow(sample: [high, low], keep: 1 << 19, valueCount: 1 << 20, runLength: 1)
        XCTAssertEqual(window.buckets.bucket(of: window.lastKey), window.buckets.bucket(of: high))
        XCTAssertEqual(window.buckets.bucket(of: window.lastKey + 1), window.buckets.bucket(of: high) + 1)
        XCTAssertLessThan(window.buckets.bucket(of: high), (1 << window.buckets.width) - 1, "a band filling its range tests nothing")
        XCTAssertEqual(window.countedBucket(of: high), window.buckets.bucket(of: high))
        XCTAssertNil(window.countedBucket(of: window.lastKey + 1))
    }

    /// Windows near 1, near the smallest and largest Floats and at 0; values whose Float difference
    /// rounds (a base far larger than the task vector) on and around both edges, and NaN and ±∞.
    func testTheFloatPathCountsAsTheExactPath() {
        let windows: [(low: Double, high: Double)] = [(0.37, 0.5), (1e-41, 1e-39), (1e37, 3e38), (0, 1e-3), (3e38, .infinity)]
        for (low, high) in windows {
            let sample = [TrimThreshold.magnitudeKey(high), TrimThreshold.magnitudeKey(low)]
            let window = MagnitudeWindow(sample: sample, keep: 1 << 19, valueCount: 1 << 20, runLength: 1)
            let (first, last) = (Double(bitPattern: window.buckets.start), Double(bitPattern: window.lastKey))
            var targets = [first, last, low, high].flatMap { [$0, $0.nextUp, $0.nextDown, $0 * (1 + 1e-9), $0 * (1 - 1e-9)] }
            for bound in [Counts.float(below: first), Counts.float(above: last)] { targets += [Double(bound), Double(bound.nextUp), Double(bound.nextDown)] }
            var values: [Float] = []
            var base: [Float] = []
            for target in targets where target.isFinite {
                for scale in [0, 1e-3, 1, 3, 1e3, 1e7, 1e12] as [Double] {
                    for sign in [1.0, -1.0] {
                        let b = Float(sign * scale * target)
                        for a in [Float(Double(b) + target), Float(Double(b) - target), Float(Double(b) + target).nextUp, Float(Double(b) + target).nextDown] {
                            values.append(a)
                            base.append(b)
                        }
                    }
                }
            }
            for (a, b) in [(Float.nan, 1), (1, .nan), (.infinity, 1), (-.infinity, 1), (.infinity, .infinity), (.greatestFiniteMagnitude, -.greatestFiniteMagnitude), (0, -0.0)] as [(Float, Float)] {
                values.append(a)
                base.append(b)
            }
            let blockValues = FloatTaskVectorBlocks.blockValues
            let (exact, fromFloats) = (Counts(window: window), Counts(window: window))
            var start = 0
            while start < values.count {
                let end = min(values.count, start + blockValues)
                var deltas = (start..<end).map { Double(values[$0]) - Double(base[$0]) }
                deltas.withUnsafeMutableBufferPointer { exact.add($0, first: start) }
                values[start..<end].withUnsafeBufferPointer { block in
                    base[start..<end].withUnsafeBufferPointer { fromFloats.add(values: block, base: $0, first: start) }
                }
                start = end
            }
            XCTAssertEqual(fromFloats.keysAbove, exact.keysAbove, "window \(low)...\(high)")
            let (exactHistogram, floatHistogram) = (exact.histogram, fromFloats.histogram)
            XCTAssertGreaterThan(exactHistogram.buckets.reduce(0) { $0 + $1.count }, 0, "window \(low)...\(high): nothing counted inside")
            for index in exactHistogram.buckets.indices {
                let (expected, counted) = (exactHistogram.buckets[index], floatHistogram.buckets[index])
                XCTAssertTrue(
                    expected.count == counted.count && expected.commonBits == counted.commonBits && expected.anyBits == counted.anyBits,
                    "window \(low)...\(high), bucket \(index): \(counted) counted, \(expected) exactly")
            }
        }
    }
}
