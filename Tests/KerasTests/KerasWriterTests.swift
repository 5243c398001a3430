import XCTest
import TureenCore
import TureenTestSupport
import Zip
@testable import Keras

/// `.keras` outputs: the template's members copied, the weights streamed in Keras 3's layout, and
/// tensors that do not fit the template's model refused before anything is written.
final class KerasWriterTests: XCTestCase {
    private func open(_ name: String) throws -> TensorStore {
        try KerasReader().open(Fixtures.path("keras/" + name), options: ReadOptions())
    }

    private func members(_ path: String) throws -> [String: [UInt8]] {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let parsed = try bytes.withUnsafeBytes { try ZipDirectory.parse($0, path: path) }
        return Dictionary(uniqueKeysWithValues: parsed.map { ($0.name, Array(bytes[$0.dataOffset..<($0.dataOffset + $0.uncompressedSize)])) })
    }

    func testTheOutputHasTheTemplatesConfigurationAndTheProducersWeights() throws {
        let scratch = try makeScratchFolder()
        let template = try open("mlp_1.keras")
        let weights = try open("mlp_2.keras")
        let output = scratch.path + "/out.keras"
        try KerasWriter(template: try KerasTemplate(store: template, output: output)).write(try StoreProducer(store: weights), to: output, options: WriteOptions())
        let written = try members(output)
        let original = try members(Fixtures.path("keras/mlp_1.keras"))
        XCTAssertEqual(written["config.json"], original["config.json"])
        XCTAssertEqual(written["metadata.json"], original["metadata.json"])
        let reread = try KerasReader().open(output, options: ReadOptions())
        XCTAssertEqual(reread.infos, weights.infos)
        for (tensor, expected) in zip(reread.tensors, weights.tensors) {
            XCTAssertEqual(try tensor.allBytes(), try expected.allBytes(), tensor.info.name)
        }
    }

    func testWithoutATemplateNothingIsWritten() throws {
        let scratch = try makeScratchFolder()
        let output = scratch.path + "/out.keras"
        XCTAssertThrowsError(try KerasWriter().write(try StoreProducer(store: try open("mlp_1.keras")), to: output, options: WriteOptions())) {
            XCTAssertEqual($0 as? KerasError, .needsModelConfiguration(output: output, firstInput: nil))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    func testTensorsThatDoNotFitTheTemplatesModelAreRefused() throws {
        let scratch = try makeScratchFolder()
        let template = try open("mlp_1.keras")
        let output = scratch.path + "/out.keras"
        let writer = KerasWriter(template: try KerasTemplate(store: template, output: output))
        let other = try open("other.keras")
        XCTAssertThrowsError(try writer.write(try StoreProducer(store: other), to: output, options: WriteOptions())) {
            XCTAssertEqual($0 as? KerasError, .weightsDoNotMatchConfiguration(
                output: output, template: template.location, detail: "tensor 'layers.dense.vars.0' has shape [4, 5], the model's variable [20, 3]"))
        }
        let fewer = try StoreBuilder.store("fewer", [(name: "layers.dense.vars.1", shape: [3], values: [1, 2, 3])])
        XCTAssertThrowsError(try writer.write(try StoreProducer(store: fewer), to: output, options: WriteOptions())) {
            XCTAssertEqual($0 as? KerasError, .weightsDoNotMatchConfiguration(
                output: output, template: template.location, detail: "the model's variable 'layers.batch_normalization.vars.0' is missing"))
        }
        XCTAssertThrowsError(try KerasTemplate(store: fewer, output: output)) {
            XCTAssertEqual($0 as? KerasError, .needsModelConfiguration(output: output, firstInput: "fewer"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }
}
