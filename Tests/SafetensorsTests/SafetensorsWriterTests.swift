import Foundation
import Safetensors
import TureenCore
import TureenTestSupport
import XCTest

final class SafetensorsWriterTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws { folder = try makeScratchFolder().path }

    private func rewrite(_ fixture: String) throws -> (original: Data, rewritten: Data) {
        let source = Fixtures.path("safetensors/" + fixture)
        let store = try SafetensorsReader().open(source, options: ReadOptions())
        let output = folder + "/" + fixture
        try SafetensorsWriter().write(try StoreProducer(store: store), to: output, options: WriteOptions())
        return (FileManager.default.contents(atPath: source)!, FileManager.default.contents(atPath: output)!)
    }

    func testWritesFilesByteIdenticalToTheSafetensorsLibrary() throws {
        for fixture in ["all_dtypes.safetensors", "scalar_and_empty.safetensors", "rounding_vectors.safetensors"] {
            let (original, rewritten) = try rewrite(fixture)
            XCTAssertEqual(original, rewritten, "\(fixture) differs")
        }
    }

    func testShardsAtTheRequestedSizeWithAnIndex() throws {
        let store = try SafetensorsReader().open(Fixtures.path("safetensors/sharded"), options: ReadOptions())
        let output = folder + "/out"
        try SafetensorsWriter().write(try StoreProducer(store: store), to: output, options: WriteOptions(maxShardSize: 100))
        let names = try FileManager.default.contentsOfDirectory(atPath: output).sorted()
        XCTAssertEqual(names.last, "model.safetensors.index.json")
        XCTAssertTrue(names.contains("model-00001-of-00004.safetensors"), "\(names)")
        let reread = try SafetensorsReader().open(output, options: ReadOptions())
        XCTAssertEqual(Set(reread.infos), Set(store.infos))
        let index = try JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: output + "/model.safetensors.index.json")!) as! [String: Any]
        XCTAssertEqual((index["metadata"] as! [String: Any])["total_size"] as? Int, store.totalByteCount)
    }

    func testWritesOneShardAsModelSafetensorsWithoutIndex() throws {
        let store = try SafetensorsReader().open(Fixtures.path("safetensors/sharded"), options: ReadOptions())
        let output = folder + "/single/"
        try SafetensorsWriter().write(try StoreProducer(store: store), to: output, options: WriteOptions())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: output), ["model.safetensors"])
    }

    func testRefusesComplex128WithoutLeavingAFile() throws {
        let store = try StoreBuilder.store("mem", [(name: "z", dtype: .c128, shape: [1], bytes: Array(repeating: 0, count: 16))])
        let output = folder + "/z.safetensors"
        XCTAssertThrowsError(try SafetensorsWriter().write(try StoreProducer(store: store), to: output, options: WriteOptions())) {
            XCTAssertTrue("\($0)".contains("'z'"))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [])
    }
}
