import TureenTestSupport
import XCTest
@testable import TureenCore

/// What an interrupted command leaves behind: temporary outputs are removed, committed ones stay.
///
/// `TemporaryOutputs` is one list for the process; XCTest runs these tests one at a time, so no
/// other test's outputs are being written while `removeAll()` runs.
final class TemporaryOutputsTests: XCTestCase {
    private var scratch: ScratchFolder!

    override func setUpWithError() throws { scratch = try makeScratchFolder() }

    private func contents(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    func testRemoveAllRemovesRegisteredFilesAndFolders() throws {
        let file = try scratch.file("partial.bin", contents: [1, 2, 3])
        let folder = scratch.path + "/partial-shards"
        try FileManager.default.createDirectory(atPath: folder + "/nested", withIntermediateDirectories: true)
        try scratch.file("partial-shards/nested/shard.bin", contents: [4])
        try scratch.file("kept.bin", contents: [5])
        TemporaryOutputs.register(file, isFolder: false)
        TemporaryOutputs.register(folder, isFolder: true)
        TemporaryOutputs.removeAll()
        XCTAssertEqual(try contents(scratch.path), ["kept.bin"])
    }

    func testRemoveAllRemovesOutputsBeingWritten() throws {
        let file = try OutputFile(destination: scratch.path + "/model.safetensors")
        try file.write([1, 2, 3])
        let folder = try OutputFolder(destination: scratch.path + "/shards")
        let finishedShard = try folder.file(named: "model-00001-of-00002.safetensors")
        try finishedShard.write([4])
        try finishedShard.commit()
        let shard = try folder.file(named: "model-00002-of-00002.safetensors")
        try shard.write([5, 6])
        try withExtendedLifetime((file, folder, shard)) {
            XCTAssertEqual(try contents(scratch.path).count, 2, "a temporary file and a temporary folder")
            TemporaryOutputs.removeAll()
            XCTAssertEqual(try contents(scratch.path), [])
        }
    }

    func testRemoveAllKeepsCommittedOutputs() throws {
        let file = try OutputFile(destination: scratch.path + "/model.safetensors")
        try file.write([1, 2, 3])
        try file.commit()
        let folder = try OutputFolder(destination: scratch.path + "/shards")
        let shard = try folder.file(named: "model.safetensors")
        try shard.write([4, 5])
        try shard.commit()
        try folder.commit()
        withExtendedLifetime((file, folder, shard)) { _ = TemporaryOutputs.removeAll() }
        XCTAssertEqual(try contents(scratch.path), ["model.safetensors", "shards"])
        XCTAssertEqual(try scratch.bytes("model.safetensors"), [1, 2, 3])
        XCTAssertEqual(try scratch.bytes("shards/model.safetensors"), [4, 5])
    }

    func testRemoveAllReportsTheOutputsAlreadyInPlace() throws {
        let written = try OutputFile(destination: scratch.path + "/model.safetensors")
        try written.write([1])
        try written.commit()
        let pending = try OutputFile(destination: scratch.path + "/other.safetensors")
        let report = withExtendedLifetime(pending) { TemporaryOutputs.removeAll() }
        XCTAssertTrue(report.published.contains(scratch.path + "/model.safetensors"))
        XCTAssertFalse(report.published.contains(scratch.path + "/other.safetensors"))
        XCTAssertTrue(report.removed.contains(pending.temporaryPath))
        XCTAssertEqual(try contents(scratch.path), ["model.safetensors"])
    }

    func testOutputFileDroppedWithoutCommitLeavesNothing() throws {
        do {
            let file = try OutputFile(destination: scratch.path + "/model.safetensors")
            try file.write([UInt8](repeating: 7, count: 100_000))
        }
        XCTAssertEqual(try contents(scratch.path), [])
    }

    func testOutputFolderDroppedWithoutCommitLeavesNothing() throws {
        do {
            // As a writer fails: the shard being written is dropped first, then its folder.
            let folder = try OutputFolder(destination: scratch.path + "/shards")
            let finished = try folder.file(named: "model-00001-of-00002.safetensors")
            try finished.write([1])
            try finished.commit()
            try withExtendedLifetime(folder) {
                let partial = try folder.file(named: "model-00002-of-00002.safetensors")
                try partial.write([2])
            }
        }
        XCTAssertEqual(try contents(scratch.path), [])
    }
}
