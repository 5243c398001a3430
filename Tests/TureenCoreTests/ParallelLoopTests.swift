#if canImport(Glibc)
import Glibc
#endif
import XCTest
@testable import TureenCore

/// The one parallel-for of the package: how it splits a range, orders results and reports errors.
final class ParallelLoopTests: XCTestCase {
    private struct PartFailed: Error, Equatable {
        let part: Int
    }

    func testPartsCoverTheRangeExactlyOnceInPartOrder() throws {
        for (parts, count) in [(1, 10), (2, 10), (3, 10), (4, 3), (7, 0), (8, 1_000_003), (0, 5), (-2, 5)] {
            let visits = LockedValue([Int](repeating: 0, count: count))
            let results = try ParallelLoop.map(parts: parts, count: count) { part, range -> (part: Int, range: Range<Int>) in
                visits.withLock { counts in
                    for index in range { counts[index] += 1 }
                }
                return (part, range)
            }
            let label = "\(parts) parts of \(count)"
            XCTAssertEqual(results.count, max(1, parts), label)
            XCTAssertEqual(results.map(\.part), Array(results.indices), label)
            XCTAssertEqual(results.first?.range.lowerBound, 0, label)
            XCTAssertEqual(results.last?.range.upperBound, count, label)
            for (previous, next) in zip(results, results.dropFirst()) {
                XCTAssertEqual(previous.range.upperBound, next.range.lowerBound, label)
            }
            XCTAssertTrue(visits.withLock { $0 }.allSatisfy { $0 == 1 }, label)
        }
    }

    func testPartsDifferInSizeByOneAtMost() throws {
        let sizes = try ParallelLoop.map(parts: 4, count: 10) { _, range in range.count }
        XCTAssertEqual(sizes.reduce(0, +), 10)
        XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1)
    }

    func testTheFirstFailingPartsErrorIsThrownAfterEveryPartHasEnded() {
        let ended = LockedValue(0)
        XCTAssertThrowsError(try ParallelLoop.map(parts: 6, count: 600) { part, _ in
            defer { ended.withLock { $0 += 1 } }
            if part == 4 || part == 2 { throw PartFailed(part: part) }
            return part
        }) { error in
            XCTAssertEqual(error as? PartFailed, PartFailed(part: 2))
        }
        XCTAssertEqual(ended.withLock { $0 }, 6)
    }

    func testOnePartRunsInlineOnTheCallingThread() throws {
        let caller = pthread_self()
        let threads = LockedValue<[pthread_t]>([])
        let whole = try ParallelLoop.map(parts: 1, count: 5) { part, range in
            threads.withLock { $0.append(pthread_self()) }
            return range
        }
        XCTAssertEqual(whole, [0..<5])
        let small = try ParallelLoop.map(count: 100, minimumPartSize: 1_000, threads: 8) { range in
            threads.withLock { $0.append(pthread_self()) }
            return range
        }
        XCTAssertEqual(small, [0..<100], "a range below the minimum part size is not split")
        XCTAssertEqual(threads.withLock { $0 }.map { pthread_equal($0, caller) != 0 }, [true, true])
    }

    func testSplitsByMinimumPartSizeUpToTheThreadCount() throws {
        XCTAssertEqual(try ParallelLoop.map(count: 3_000, minimumPartSize: 1_000, threads: 8) { $0 }, [0..<1_000, 1_000..<2_000, 2_000..<3_000])
        XCTAssertEqual(try ParallelLoop.map(count: 10_000, minimumPartSize: 1_000, threads: 2) { $0 }, [0..<5_000, 5_000..<10_000])
    }
}
