import TureenTestSupport
import XCTest

/// `tureen check` and `tureen diff` end to end: the built binary on the compare fixtures.
final class CheckDiffCommandTests: XCTestCase {
    private func tureen(_ arguments: String...) throws -> CommandOutcome {
        try runTureen(arguments, in: Fixtures.path("compare"))
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
