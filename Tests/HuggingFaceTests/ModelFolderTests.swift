import Foundation
@testable import HuggingFace
import TureenCore
import TureenTestSupport
import XCTest

final class ModelFolderTests: XCTestCase {
    private let fixture = Fixtures.path("huggingface/gpt2-a")

    /// A folder holding `names`, copied from the `gpt2-a` fixture (`config.json`, `model.safetensors`, …)
    /// or, for other names, the safetensors weights.
    private func folder(_ names: [String]) throws -> ScratchFolder {
        let folder = try makeScratchFolder()
        for name in names {
            let source = FileManager.default.fileExists(atPath: fixture + "/" + name) ? name : "model.safetensors"
            try folder.file(name, contents: try Fixtures.bytes("huggingface/gpt2-a/" + source))
        }
        return folder
    }

    func testFolderWithConfigAndTransformersWeightsIsAModel() throws {
        XCTAssertTrue(ModelFolder.recognizes(try folder(["config.json", "model.safetensors"]).path))
        XCTAssertTrue(ModelFolder.recognizes(try folder(["config.json", "pytorch_model.bin"]).path))
        XCTAssertFalse(ModelFolder.recognizes(try folder(["model.safetensors"]).path))
    }

    func testFolderWithConfigAndOtherShardNamesStaysAPlainShardedFolder() throws {
        XCTAssertFalse(ModelFolder.recognizes(try folder(["config.json", "weights-1.safetensors"]).path))
    }

    func testFolderWithConfigAndNoWeightsIsRefusedListingTheNamesLookedFor() throws {
        let empty = try folder(["config.json", "tokenizer.json"])
        XCTAssertTrue(ModelFolder.recognizes(empty.path))
        XCTAssertThrowsError(try ModelFolderReader().open(empty.path, options: ReadOptions())) { error in
            guard case let HuggingFaceError.noWeights(path, lookedFor) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, empty.path)
            XCTAssertEqual(lookedFor.first, "model.safetensors")
        }
    }

    func testSafetensorsArePreferredOverBinAndTheChoiceIsSaid() throws {
        let both = try folder(["config.json", "model.safetensors"])
        try FileManager.default.copyItem(atPath: Fixtures.path("huggingface/gpt2-b/pytorch_model.bin"), toPath: both.path + "/pytorch_model.bin")
        let store = try ModelFolderReader().open(both.path, options: ReadOptions())
        XCTAssertEqual(store.formatName, .huggingface)
        XCTAssertTrue(store.sourcePaths.contains(both.path + "/model.safetensors"))
        XCTAssertFalse(store.sourcePaths.contains(both.path + "/pytorch_model.bin"))
        XCTAssertEqual(store.notes.count, 1)
        XCTAssertTrue(store.notes[0].contains("pytorch_model.bin"), store.notes[0])
    }

    func testLinkedFilesAsInTheHubCacheAreReadThrough() throws {
        let cache = try makeScratchFolder()
        let snapshot = cache.path + "/models--t--gpt2/snapshots/0123abc"
        try FileManager.default.createDirectory(atPath: cache.path + "/models--t--gpt2/blobs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: snapshot, withIntermediateDirectories: true)
        for (number, name) in ["config.json", "model.safetensors", "tokenizer.json"].enumerated() {
            try FileManager.default.copyItem(atPath: fixture + "/" + name, toPath: cache.path + "/models--t--gpt2/blobs/blob\(number)")
            try FileManager.default.createSymbolicLink(atPath: snapshot + "/" + name, withDestinationPath: "../../blobs/blob\(number)")
        }
        XCTAssertTrue(ModelFolder.recognizes(snapshot))
        let store = try ModelFolderReader().open(snapshot, options: ReadOptions())
        XCTAssertEqual(store.tensors.count, 28)
        XCTAssertEqual(try CompanionFiles(folder: snapshot).copied, ["config.json", "tokenizer.json"])
    }

    func testCompanionFilesLeaveOutWeightsHiddenFilesAndFoldersSayingWhy() throws {
        let source = try folder(["config.json", "model.safetensors", "tokenizer.json", "pytorch_model.bin", "training_args.bin", ".gitattributes"])
        try FileManager.default.createDirectory(atPath: source.path + "/onnx", withIntermediateDirectories: false)
        let companions = try CompanionFiles(folder: source.path)
        XCTAssertEqual(companions.copied, ["config.json", "tokenizer.json"])
        XCTAssertEqual(companions.skipped.map(\.name), [".gitattributes", "onnx", "pytorch_model.bin", "training_args.bin"])
        XCTAssertTrue(companions.isOwned("tokenizer.json"))
        XCTAssertTrue(companions.isOwned("model-00001-of-00002.safetensors"))
        XCTAssertFalse(companions.isOwned("notes.txt"))
    }
}
