import TureenTestSupport
import XCTest
@testable import TureenCore

final class OutputStagingTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = try makeScratchFolder().path
    }

    private func bytes(_ count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) }
    }

    func testStageSplitsARunIntoPartialAndWholeBlocks() {
        let block = BlockAlignedStage.blockSize
        let stage = BlockAlignedStage(capacity: 4 * block)
        stage.start(at: 3 * block - 100)
        XCTAssertEqual(bytes(2 * block, seed: 1).withUnsafeBytes { stage.append($0) }, 2 * block)
        let pieces = stage.pieces()
        XCTAssertEqual(pieces.map(\.offset), [3 * block - 100, 3 * block, 4 * block])
        XCTAssertEqual(pieces.map(\.bytes.count), [100, block, block - 100])
        XCTAssertEqual(pieces.map(\.isWholeBlocks), [false, true, false])
        XCTAssertEqual(Array(pieces[1].bytes), Array(bytes(2 * block, seed: 1)[100..<(100 + block)]))
        XCTAssertEqual(stage.end, 5 * block - 100)
    }

    func testStageTakesOnlyWhatFits() {
        let block = BlockAlignedStage.blockSize
        let stage = BlockAlignedStage(capacity: 2 * block)
        stage.start(at: 10)
        XCTAssertEqual(bytes(3 * block, seed: 2).withUnsafeBytes { stage.append($0) }, 2 * block - 10)
        XCTAssertTrue(stage.isFull)
    }

    func testOutputFileAssemblesSequentialPositionedAndPatchedWritesAcrossStages() throws {
        // A stage of two blocks forces many hand-offs; the writes cross block and stage boundaries,
        // go back to earlier offsets, leave a gap, and patch bytes both written and still staged.
        let path = folder + "/out.bin"
        let output = try OutputFile(destination: path, bufferSize: 2 * BlockAlignedStage.blockSize)
        var expected = [UInt8](repeating: 0, count: 60_000)
        func put(_ data: [UInt8], at offset: Int) { expected.replaceSubrange(offset..<(offset + data.count), with: data) }
        let head = bytes(9_001, seed: 3)
        try output.write(head)
        put(head, at: 0)
        let tail = bytes(20_000, seed: 4)
        try tail.withUnsafeBytes { try output.write($0, at: 40_000) }
        put(tail, at: 40_000)
        let middle = bytes(12_345, seed: 5)
        try middle.withUnsafeBytes { try output.write($0, at: 20_000) }
        put(middle, at: 20_000)
        try output.overwrite([7, 7, 7], at: 4_095)
        put([7, 7, 7], at: 4_095)
        try output.overwrite([8, 8], at: 32_340)
        put([8, 8], at: 32_340)
        let more = bytes(5_000, seed: 6)
        try output.write(more)
        expected += more
        XCTAssertEqual(output.length, 65_000)
        try output.commit()
        XCTAssertEqual(FileManager.default.contents(atPath: path).map(Array.init), expected)
    }

    func testOutputFileWritesLargeRunsIntact() throws {
        let path = folder + "/large.bin"
        let output = try OutputFile(destination: path, bufferSize: 1 << 16)
        let header = bytes(13, seed: 7)
        try output.write(header)
        var expected = header
        for index in 0..<40 {
            let chunk = bytes(10_007 + index, seed: index)
            try output.write(chunk)
            expected += chunk
        }
        try output.commit()
        XCTAssertEqual(FileManager.default.contents(atPath: path).map(Array.init), expected)
    }

    func testSerialWorkerRunsJobsInOrderAndStopsAtTheFirstFailure() throws {
        struct Refused: Error {}
        let worker = try SerialWorker()
        let log = LockedValue<[Int]>([])
        var tickets: [SerialWorker.Ticket] = []
        for index in 0..<5 {
            tickets.append(worker.submit {
                log.withLock { $0.append(index) }
                if index == 2 { throw Refused() }
            })
        }
        XCTAssertThrowsError(try worker.finish()) { XCTAssertTrue($0 is Refused) }
        XCTAssertEqual(log.withLock { $0 }, [0, 1, 2], "jobs after a failure are skipped")
        XCTAssertThrowsError(try worker.wait(for: tickets[4]))
    }
}
