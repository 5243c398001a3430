import Foundation
import TureenTestSupport
import XCTest

/// HDF5 files that crash libhdf5 (issue 11, item 7) are parsed in a separate process first, so the
/// crash is reported as an error naming the file instead of killing `tureen`.
final class HDF5PreflightCommandTests: XCTestCase {
    private var scratch: ScratchFolder!
    private var folder: String { scratch.path }

    override func setUpWithError() throws { scratch = try makeScratchFolder() }

    /// The Keras 3 fixture with 8 bytes of its first local heap overwritten with 0xFF at `offset`
    /// past the heap's signature: libhdf5 1.10 then aborts with "malloc(): corrupted top size"
    /// (offset 8) or dies of SIGSEGV (offset 24).
    private func craftedFile(overwritingHeapAt offset: Int) throws -> String {
        var bytes = try Fixtures.bytes("hdf5/keras3.weights.h5")
        let heap = try XCTUnwrap((0..<(bytes.count - 4)).first { bytes[$0..<($0 + 4)].elementsEqual("HEAP".utf8) })
        bytes.replaceSubrange((heap + offset)..<(heap + offset + 8), with: [UInt8](repeating: 0xFF, count: 8))
        return try scratch.file("crafted.weights.h5", contents: bytes)
    }

    func testAFileThatCrashesLibHDF5IsAnErrorNamingIt() throws {
        for (offset, signal) in [(8, "signal 6"), (24, "signal 11")] {
            let crafted = try craftedFile(overwritingHeapAt: offset)
            let inspected = try runTureen(["inspect", crafted], in: folder)
            XCTAssertEqual(inspected.status, 1, "heap +\(offset): \(inspected.errors.prefix(300))")
            XCTAssertTrue(inspected.errors.hasPrefix("tureen: error: \(crafted): libhdf5 could not parse this file: libhdf5 crashed"), inspected.errors)
            XCTAssertTrue(inspected.errors.contains(signal), inspected.errors)
            let converted = try runTureen(["convert", crafted, folder + "/out.safetensors"], in: folder)
            XCTAssertEqual(converted.status, 1, converted.errors)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["crafted.weights.h5"])
        }
    }

    func testTheHiddenCommandPrintsTheLayoutAndIsNotInTheHelp() throws {
        let report = try runTureen(["hdf5-preflight", Fixtures.path("hdf5/keras3.weights.h5")], in: folder)
        XCTAssertEqual(report.status, 0, report.errors)
        XCTAssertTrue(report.output.hasPrefix("tensor \"layers.dense.vars.0\" F32 [3, 4]\n"), report.output)
        XCTAssertTrue(report.output.hasSuffix("ok\n"), report.output)
        XCTAssertFalse(try runTureen(["--help"], in: folder).output.contains("hdf5-preflight"))
    }
}
