import XCTest
import HDF5
import TureenCore
import TureenTestSupport
import Zip
@testable import Keras

/// `.keras` archives written by Keras 3 (Fixtures/make_keras_fixtures.py) read in place, named as
/// their `model.weights.h5` names them; archives that are not Keras' refused clearly.
final class KerasReaderTests: XCTestCase {
    private let mlp = Fixtures.path("keras/mlp_1.keras")

    func testTheWeightsReadInPlaceAsTheExtractedMemberReads() throws {
        let scratch = try makeScratchFolder()
        let archive = try KerasArchive(try MappedFile(path: mlp))
        let bytes = try Fixtures.bytes("keras/mlp_1.keras")
        let member = Array(bytes[archive.weights.dataOffset..<(archive.weights.dataOffset + archive.weights.uncompressedSize)])
        let extracted = try HDF5Reader().open(try scratch.file("model.weights.h5", contents: member), options: ReadOptions())
        let store = try KerasReader().open(mlp, options: ReadOptions())
        XCTAssertEqual(store.formatName, .keras)
        XCTAssertEqual(store.infos, extracted.infos)
        XCTAssertEqual(store.infos.map(\.name).prefix(3), ["layers.embedding.vars.0", "layers.conv1d.vars.0", "layers.conv1d.vars.1"])
        for (tensor, expected) in zip(store.tensors, extracted.tensors) {
            XCTAssertEqual(try tensor.allBytes(), try expected.allBytes(), tensor.info.name)
        }
    }

    func testBFloat16VariablesKeepTheirDType() throws {
        let store = try KerasReader().open(Fixtures.path("keras/bf16.keras"), options: ReadOptions())
        XCTAssertEqual(store.infos.map(\.dtype), [.bf16, .bf16])
    }

    func testTheFirstBytesTellKerasFromNpzAndPyTorch() throws {
        let keras = Array(try Fixtures.bytes("keras/mlp_1.keras").prefix(1024))
        XCTAssertTrue(CheckpointFormat.keras.recognizesPrefix(keras))
        let npz = Array(try Fixtures.bytes("numpy/all_dtypes.npz").prefix(1024))
        XCTAssertFalse(CheckpointFormat.keras.recognizesPrefix(npz))
    }

    func testArchivesMissingAMemberOrWithCompressedWeightsAreRefused() throws {
        let scratch = try makeScratchFolder()
        let config = Array("{}".utf8)
        func archive(_ name: String, _ members: [(String, Bool)]) throws -> String {
            let path = scratch.path + "/" + name
            let output = try OutputFile(destination: path)
            let writer = ZipArchiveWriter(output: output)
            for (member, compress) in members {
                try writer.beginMember(name: member, uncompressedSize: config.count, compress: compress)
                try config.withUnsafeBytes { try writer.write($0) }
                try writer.finishMember()
            }
            try writer.finish()
            try output.commit()
            return path
        }
        let noWeights = try archive("a.keras", [("metadata.json", false), ("config.json", false)])
        XCTAssertThrowsError(try KerasReader().open(noWeights, options: ReadOptions())) {
            XCTAssertEqual($0 as? KerasError, .missingMember(path: noWeights, member: "model.weights.h5", members: ["metadata.json", "config.json"]))
        }
        let deflated = try archive("b.keras", [("metadata.json", false), ("config.json", false), ("model.weights.h5", true)])
        XCTAssertThrowsError(try KerasReader().open(deflated, options: ReadOptions())) {
            XCTAssertEqual($0 as? KerasError, .compressedMember(path: deflated, member: "model.weights.h5", method: 8))
        }
        let noConfig = try archive("c.keras", [("metadata.json", false), ("model.weights.h5", false)])
        XCTAssertThrowsError(try KerasReader().open(noConfig, options: ReadOptions())) {
            XCTAssertEqual($0 as? KerasError, .missingMember(path: noConfig, member: "config.json", members: ["metadata.json", "model.weights.h5"]))
        }
    }
}
