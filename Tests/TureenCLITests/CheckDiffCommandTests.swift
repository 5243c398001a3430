import Foundation
import XCTest

/// `tureen check` and `tureen diff` end to end: the built binary on the compare fixtures.
final class CheckDiffCommandTests: XCTestCase {
    private struct Outcome {
        let status: Int32
        let output: String
        let errors: String
    }

    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/compare").path

    private func tureen(_ arguments: String...) throws -> Outcome {
        // The test bundle is a file beside the binary on Linux and a folder beside it on macOS.
        let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()].map { $0.appendingPathComponent("tureen") }
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("no tureen binary beside the tests")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: Self.fixtures)
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                       errors: String(decoding: errorData, as: UTF8.self))
    }

    func testCheckExitsZeroForTheSameModelAsFileAndShardedFolder() throws {
        let outcome = try tureen("check", "model.safetensors", "model_sharded")
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.output, "model.safetensors, model_sharded: same architecture (13 tensors)\n")
    }

    func testCheckExitsOneNamingTheChangedShapeAndTheMissingTensor() throws {
        let outcome = try tureen("check", "model.safetensors", "changed.safetensors")
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.output.contains("model.norm.weight: missing from changed.safetensors"))
        XCTAssertTrue(outcome.output.contains("model.layers.1.mlp.up_proj.weight: shape [12, 8] vs [14, 8]"))
    }

    func testCheckExitsTwoNamingAnUnreadableFile() throws {
        let outcome = try tureen("check", "model.safetensors", "not_a_checkpoint.safetensors")
        XCTAssertEqual(outcome.status, 2)
        XCTAssertTrue(outcome.errors.hasPrefix("tureen: error: not_a_checkpoint.safetensors: "))
    }

    func testDiffWithBaseReportsTheWholeModelAngle() throws {
        let outcome = try tureen("diff", "finetuned_a.safetensors", "finetuned_b.safetensors", "--base", "model.safetensors")
        XCTAssertEqual(outcome.status, 0)
        XCTAssertTrue(outcome.output.contains("whole model"))
        XCTAssertTrue(outcome.output.contains("skipped (integer or bool): model.position_ids"))
    }

    func testDiffOfIncompatibleModelsPrintsTheCheckReportAndExitsOne() throws {
        let outcome = try tureen("diff", "model.safetensors", "changed.safetensors")
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.output.contains("different architectures"))
    }
}
