import TureenTestSupport
import XCTest
@testable import TureenCore

/// Scratch files (a greedy soup's candidates and running sums): removed by an interrupt like
/// temporaries, and never reported as written, even once a writer has put them in place.
final class ScratchFilesTests: XCTestCase {
    private var scratch: ScratchFolder!

    override func setUpWithError() throws { scratch = try makeScratchFolder() }

    func testAScratchFileAWriterPutInPlaceIsRemovedAndNotReportedAsWritten() throws {
        let candidate = scratch.path + "/candidate-1.safetensors"
        TemporaryOutputs.registerScratch(candidate)
        let file = try OutputFile(destination: candidate)
        try file.write([1, 2, 3])
        try file.commit()
        XCTAssertTrue(FileManager.default.fileExists(atPath: candidate))
        let report = TemporaryOutputs.removeAll()
        XCTAssertFalse(FileManager.default.fileExists(atPath: candidate))
        XCTAssertTrue(report.removed.contains(candidate))
        XCTAssertFalse(report.published.contains(candidate))
    }

    func testARemovedScratchFileIsForgotten() throws {
        let sum = try scratch.file("running-sum-1.f64", contents: [1])
        TemporaryOutputs.registerScratch(sum)
        let file = try OutputFile(destination: sum)
        try file.write([2])
        try file.commit()
        unlink(sum)
        TemporaryOutputs.unregisterScratch(sum)
        let report = TemporaryOutputs.removeAll()
        XCTAssertFalse(report.removed.contains(sum))
        XCTAssertFalse(report.published.contains(sum))
    }

    func testAScratchFilePublishedAsTheOutputIsReportedAndKept() throws {
        let candidate = try scratch.file("candidate-2.safetensors", contents: [7])
        let output = scratch.path + "/soup.safetensors"
        TemporaryOutputs.registerScratch(candidate)
        try TemporaryOutputs.publishScratch(candidate, as: output)
        let report = TemporaryOutputs.removeAll()
        XCTAssertEqual(try scratch.bytes("soup.safetensors"), [7])
        XCTAssertTrue(report.published.contains(output))
        XCTAssertFalse(report.removed.contains(candidate))
    }
}
