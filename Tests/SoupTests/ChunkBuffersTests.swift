@testable import Soup
import XCTest

final class ChunkBuffersTests: XCTestCase {
    /// One set of buffers serves callers that copy pieces of different sizes (a statistics pass's
    /// 32 KiB, the executor's 128 KiB): a later, larger request gets buffers it can fill.
    func testCopyBuffersGrowToTheLargestPieceAskedFor() {
        let buffers = ChunkBuffers()
        let small = buffers.copyBuffers(parts: 2, inputs: 3, bytes: 32 << 10)
        XCTAssertEqual(small.map { $0.map(\.count) }, [[32 << 10, 32 << 10, 32 << 10], [32 << 10, 32 << 10, 32 << 10]])
        let large = buffers.copyBuffers(parts: 2, inputs: 4, bytes: 128 << 10)
        XCTAssertEqual(large.map { $0.map(\.count) }, [[Int]](repeating: [Int](repeating: 128 << 10, count: 4), count: 2))
        let again = buffers.copyBuffers(parts: 1, inputs: 2, bytes: 32 << 10)
        XCTAssertTrue(again.allSatisfy { $0.allSatisfy { $0.count >= 32 << 10 } })
    }
}
