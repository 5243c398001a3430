import Foundation
@testable import Safetensors
import TureenCore
import TureenTestSupport
import XCTest

final class SafetensorsReaderTests: XCTestCase {
    let reader = SafetensorsReader()
    private var scratch: ScratchFolder!

    override func setUpWithError() throws { scratch = try makeScratchFolder() }

    func testReadsEveryDTypeWrittenByTheSafetensorsLibrary() throws {
        let store = try reader.open(Fixtures.path("safetensors/all_dtypes.safetensors"), options: ReadOptions())
        XCTAssertEqual(Set(store.infos.map(\.dtype)), Set(DType.safetensorsTypes))
        for info in store.infos {
            XCTAssertEqual(info.shape, [2, 3])
            XCTAssertEqual(info.name, "t_\(info.dtype.rawValue)")
        }
        XCTAssertEqual(store.metadata, ["format": "pt"])
    }

    func testReadsScalarsAndZeroSizeTensors() throws {
        let store = try reader.open(Fixtures.path("safetensors/scalar_and_empty.safetensors"), options: ReadOptions())
        XCTAssertEqual(store.tensor(named: "scalar")?.info.shape, [])
        XCTAssertEqual(store.tensor(named: "scalar")?.info.byteCount, 4)
        XCTAssertEqual(store.tensor(named: "empty")?.info.byteCount, 0)
        XCTAssertEqual(store.tensor(named: "empty_matrix")?.info.shape, [3, 0])
        XCTAssertEqual(try store.tensor(named: "empty")?.allBytes(), [])
    }

    func testKeepsMetadataWithEscapesAndUnicode() throws {
        let store = try reader.open(Fixtures.path("safetensors/with_metadata.safetensors"), options: ReadOptions())
        XCTAssertEqual(store.metadata["note"], "quoted \"text\" / slash")
        XCTAssertEqual(store.metadata["unicode"], "é")
    }

    func testReadsShardedFolderAndIndexAlike() throws {
        let viaFolder = try reader.open(Fixtures.path("safetensors/sharded"), options: ReadOptions())
        let viaIndex = try reader.open(Fixtures.path("safetensors/sharded/model.safetensors.index.json"), options: ReadOptions())
        XCTAssertEqual(viaFolder.infos.count, 4)
        XCTAssertEqual(viaFolder.infos, viaIndex.infos)
        XCTAssertEqual(try viaFolder.tensor(named: "lm_head.weight")?.allBytes(), try viaIndex.tensor(named: "lm_head.weight")?.allBytes())
    }

    /// A safetensors file made of an 8-byte length, `header` and `dataBytes` zero bytes.
    @discardableResult
    private func craft(header: String, dataBytes: Int, name: String = "crafted.safetensors") throws -> String {
        try scratch.file(name, contents: TensorBytes.littleEndian([UInt64(header.utf8.count)]) + Array(header.utf8) + [UInt8](repeating: 0, count: dataBytes))
    }

    private func assertRefused(header: String, dataBytes: Int, mentions fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try craft(header: header, dataBytes: dataBytes)
        XCTAssertThrowsError(try reader.open(path, options: ReadOptions()), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(path), "error should name the file: \(message)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(message.contains(fragment), "'\(message)' should mention '\(fragment)'", file: file, line: line)
            }
        }
    }

    func testRefusesHolesOverlapsAndTrailingBytes() throws {
        try assertRefused(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, dataBytes: 8, mentions: ["'a'", "starts at 4"])
        try assertRefused(
            header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
            dataBytes: 8, mentions: ["'b'"])
        try assertRefused(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, dataBytes: 6, mentions: ["6 data bytes"])
    }

    func testRefusesByteLengthThatDisagreesWithShape() throws {
        try assertRefused(header: #"{"w":{"dtype":"BF16","shape":[3],"data_offsets":[0,4]}}"#, dataBytes: 4, mentions: ["'w'", "need 6"])
    }

    func testRefusesOverflowingShapes() throws {
        try assertRefused(header: #"{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#, dataBytes: 0, mentions: ["'w'", "overflow"])
        try assertRefused(header: #"{"w":{"dtype":"F64","shape":[99999999999999999999],"data_offsets":[0,0]}}"#, dataBytes: 0, mentions: ["'w'"])
    }

    func testRefusesMoreDimensionsThanNumpyAndPyTorchAllow() throws {
        let shape = "[" + Array(repeating: "1", count: 65).joined(separator: ",") + "]"
        try assertRefused(header: #"{"w":{"dtype":"F32","shape":"# + shape + #","data_offsets":[0,4]}}"#, dataBytes: 4, mentions: ["'w'", "65 dimensions", "at most 64"])
    }

    func testRefusesDuplicateKeysAndNonStringMetadata() throws {
        try assertRefused(
            header: #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#,
            dataBytes: 2, mentions: ["'a'", "more than once"])
        try assertRefused(header: #"{"__metadata__":{"epoch":3}}"#, dataBytes: 0, mentions: ["__metadata__", "'epoch'"])
    }

    func testRefusesUnknownDTypesAndMalformedJSON() throws {
        try assertRefused(header: #"{"q":{"dtype":"F4","shape":[1],"data_offsets":[0,1]}}"#, dataBytes: 1, mentions: ["'q'", "F4"])
        try assertRefused(header: #"{"q":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},}"#, dataBytes: 4, mentions: ["JSON"])
        try assertRefused(header: "[1]", dataBytes: 0, mentions: ["object"])
    }

    func testRefusesHeaderLengthsPastTheEndOrTheLimit() throws {
        let tooLong = try scratch.file("long.safetensors", contents: TensorBytes.littleEndian([UInt64(1000)]) + Array("{}".utf8))
        XCTAssertThrowsError(try reader.open(tooLong, options: ReadOptions())) { XCTAssertTrue("\($0)".contains("past the end")) }
        try scratch.file("long.safetensors", contents: TensorBytes.littleEndian([UInt64.max]) + Array("{}".utf8))
        XCTAssertThrowsError(try reader.open(tooLong, options: ReadOptions())) { XCTAssertTrue("\($0)".contains("100,000,000")) }
        try scratch.file("long.safetensors", contents: [1, 2, 3])
        XCTAssertThrowsError(try reader.open(tooLong, options: ReadOptions())) { XCTAssertTrue("\($0)".contains("too small")) }
    }

    func testRefusesIndexEntriesThatLeaveTheFolder() throws {
        try craft(header: #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, dataBytes: 1, name: "s.safetensors")
        let index = try scratch.file("model.safetensors.index.json", contents: #"{"metadata":{},"weight_map":{"a":"../s.safetensors"}}"#.utf8)
        XCTAssertThrowsError(try reader.open(index, options: ReadOptions())) { XCTAssertTrue("\($0)".contains("../s.safetensors")) }
        try scratch.file("model.safetensors.index.json", contents: #"{"weight_map":{"a":"s.safetensors","b":"s.safetensors"}}"#.utf8)
        XCTAssertThrowsError(try reader.open(scratch.path, options: ReadOptions())) { XCTAssertTrue("\($0)".contains("'b'")) }
        try scratch.file("model.safetensors.index.json", contents: #"{"weight_map":{"c":"s.safetensors"}}"#.utf8)
        XCTAssertThrowsError(try reader.open(scratch.path, options: ReadOptions())) { XCTAssertTrue("\($0)".contains("'a'")) }
        try scratch.file("model.safetensors.index.json", contents: #"{"weight_map":{}}"#.utf8)
        XCTAssertThrowsError(try reader.open(scratch.path, options: ReadOptions())) { XCTAssertTrue("\($0)".contains("no tensors")) }
    }

    func testRefusesIndexLargerThanTheLimitBeforeParsingIt() throws {
        let index = try scratch.file("model.safetensors.index.json", contents: "{}".utf8)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: index))
        try handle.truncate(atOffset: UInt64(ShardedSafetensors.maximumIndexSize + 1))
        try handle.close()
        XCTAssertThrowsError(try reader.open(index, options: ReadOptions())) { error in
            XCTAssertTrue("\(error)".hasPrefix(index + ": invalid shard index: the index is 100000001 bytes"), "\(error)")
        }
    }

    func testStreamedObjectMembersArriveInOrderAndMalformedObjectsAreRefused() throws {
        var members: [String] = []
        try Array(#" {"a": [1, {"b": 2}], "c": "d"} "#.utf8).withUnsafeBytes { bytes in
            try JSONParser.parseObject(bytes) { key, _ in members.append(key) }
        }
        XCTAssertEqual(members, ["a", "c"])
        for text in [#"[1]"#, #"{"a": 1} x"#, #"{"a": 1,}"#, #"{"a" 1}"#, ""] {
            XCTAssertThrowsError(try Array(text.utf8).withUnsafeBytes { try JSONParser.parseObject($0) { _, _ in } }, text) { error in
                XCTAssertTrue(error is JSONParser.Failure, "\(error)")
            }
        }
    }
}
