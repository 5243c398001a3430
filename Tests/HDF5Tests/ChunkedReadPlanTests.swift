import XCTest
@testable import HDF5

/// How chunked datasets are read (issue 11, item 6): every chunk decoded once, the chunk cache
/// sized to what later windows still need, bounded chunks per read and bounded memory.
final class ChunkedReadPlanTests: XCTestCase {
    private func plan(_ shape: [Int], chunks: [Int], width: Int = 4) throws -> ChunkedReadPlan {
        try ChunkedReadPlan(shape: shape, chunkShape: chunks, elementWidth: width, byteBudget: 8 << 20, file: "f.h5", object: "/w")
    }

    func testOneLargeChunkIsCachedWholeSoItIsDecodedOnce() throws {
        let elements = 200 << 20
        let read = try plan([elements], chunks: [elements])
        XCTAssertEqual(read.cacheBytes, 800 << 20, "the cache holds the whole 800 MB chunk")
        XCTAssertEqual(read.windows.window(containing: 0).elements.count, 2 << 20, "windows stay 8 MiB")
    }

    func testOneElementChunksAreReadAFewThousandAtATime() throws {
        let read = try plan([2_000_000], chunks: [1])
        let window = read.windows.window(containing: 0)
        XCTAssertLessThanOrEqual(window.elements.count, ChunkedReadPlan.maximumChunksPerRead)
        XCTAssertGreaterThan(window.elements.count, ChunkedReadPlan.maximumChunksPerRead / 2)
        XCTAssertLessThanOrEqual(read.cacheBytes, ChunkedReadPlan.maximumChunksPerRead * 4)
    }

    func testChunksSpanningSeveralLinesStayCachedForTheWholeLine() throws {
        // Each line (index in the first dimension) reads one row of every chunk of shape [8, 1].
        let read = try plan([8, 100_000], chunks: [8, 1])
        XCTAssertEqual(read.cacheBytes, 100_000 * 8 * 4)
        let window = read.windows.window(containing: 0)
        XCTAssertLessThanOrEqual(window.elements.count, ChunkedReadPlan.maximumChunksPerRead)
    }

    func testColumnChunksOfAMatrixAreCachedAcrossWindows() throws {
        let read = try plan([4096, 4096], chunks: [4096, 16])
        XCTAssertEqual(read.cacheBytes, 4096 * 4096 * 4, "a window of 512 rows leaves every column chunk partly unread")
    }

    func testRowChunksNeedOnlyTheChunksOfOneWindow() throws {
        let read = try plan([4096, 4096], chunks: [64, 4096])
        XCTAssertEqual(read.windows.rowsPerWindow, 512)
        XCTAssertEqual(read.cacheBytes, 8 << 20)
    }

    func testAChunkOverTheLimitIsRefusedNamingItsShape() throws {
        XCTAssertThrowsError(try plan([1 << 29], chunks: [1 << 29])) { error in
            XCTAssertTrue("\(error)".hasPrefix("f.h5: dataset /w is stored in chunks of shape [536870912]; decoding one chunk"), "\(error)")
        }
    }

    func testABandOverTheLimitIsRefused() throws {
        XCTAssertThrowsError(try plan([4, 1 << 28], chunks: [4, 1])) { error in
            XCTAssertTrue("\(error)".contains("chunks a read in C order keeps partly read"), "\(error)")
        }
    }
}
