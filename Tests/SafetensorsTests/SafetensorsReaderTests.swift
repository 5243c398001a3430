import Foundation
@testable import Safetensors
import TureenCore
import XCTest

final class SafetensorsReaderTests: XCTestCase {
    let reader = SafetensorsReader()
    var folder: String!

    override func setUpWithError() throws { folder = try TestFiles.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func testReadsEveryDTypeWrittenByTheSafetensorsLibrary() throws {
        let store = try reader.open(TestFiles.fixtures + "/all_dtypes.safetensors", options: ReadOptions())
        XCTAssertEqual(Set(store.infos.map(\.dtype)), Set(DType.safetensorsTypes))
        for info in store.infos {
            XCTAssertEqual(info.shape, [2, 3])
            XCTAssertEqual(info.name, "t_\(info.dtype.rawValue)")
        }
        XCTAssertEqual(store.metadata, ["format": "pt"])
    }

    func testReadsScalarsAndZeroSizeTensors() throws {
        let store = try reader.open(TestFiles.fixtures + "/scalar_and_empty.safetensors", options: ReadOptions())
        XCTAssertEqual(store.tensor(named: "scalar")?.info.shape, [])
        XCTAssertEqual(store.tensor(named: "scalar")?.info.byteCount, 4)
        XCTAssertEqual(store.tensor(named: "empty")?.info.byteCount, 0)
        XCTAssertEqual(store.tensor(named: "empty_matrix")?.info.shape, [3, 0])
        XCTAssertEqual(try TestFiles.bytes(of: store, tensor: "empty"), [])
    }

    func testKeepsMetadataWithEscapesAndUnicode() throws {
        let store = try reader.open(TestFiles.fixtures + "/with_metadata.safetensors", options: ReadOptions())
        XCTAssertEqual(store.metadata["note"], "quoted \"text\" / slash")
        XCTAssertEqual(store.metadata["unicode"], "é")
    }

    func testReadsShardedFolderAndIndexAlike() throws {
        let viaFolder = try reader.open(TestFiles.fixtures + "/sharded", options: ReadOptions())
        let viaIndex = try reader.open(TestFiles.fixtures + "/sharded/model.safetensors.index.json", options: ReadOptions())
        XCTAssertEqual(viaFolder.infos.count, 4)
        XCTAssertEqual(viaFolder.infos, viaIndex.infos)
        XCTAssertEqual(try TestFiles.bytes(of: viaFolder, tensor: "lm_head.weight"), try TestFiles.bytes(of: viaIndex, tensor: "lm_head.weight"))
    }

    private func assertRefused(header: String, dataBytes: Int, mentions fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        let path = TestFiles.craft(header: header, dataBytes: dataBytes, in: folder)
        XCTAssertThrowsError(try reader.open(path, options: ReadOptions()), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(path), "error should name the file: \(message)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(message.contains(fragment), "'\(message)' should mention '\(fragment)'", file: file, line: line)
            }
        }
    }

    func testRefusesHolesOverlapsAndTrailingBytes() {
        assertRefused(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, dataBytes: 8, mentions: ["'a'", "starts at 4"])
        assertRefused(
            header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
            dataBytes: 8, mentions: ["'b'"])
        assertRefused(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, dataBytes: 6, mentions: ["6 data bytes"])
    }

    func testRefusesByteLengthThatDisagreesWithShape() {
        assertRefused(header: #"{"w":{"dtype":"BF16","shape":[3],"data_offsets":[0,4]}}"#, dataBytes: 4, mentions: ["'w'", "need 6"])
    }

    func testRefusesOverflowingShapes() {
        assertRefused(header: #"{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#, dataBytes: 0, mentions: ["'w'", "overflow"])
        assertRefused(header: #"{"w":{"dtype":"F64","shape":[99999999999999999999],"data_offsets":[0,0]}}"#, dataBytes: 0, mentions: ["'w'"])
    }

    func testRefusesDuplicateKeysAndNonStringMetadata() {
        assertRefused(
            header: #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#,
            dataBytes: 2, mentions: ["'a'", "more than once"])
        assertRefused(header: #"{"__metadata__":{"epoch":3}}"#, dataBytes: 0, mentions: ["__metadata__", "'epoch'"])
    }

    func testRefusesUnknownDTypesAndMalformedJSON() {
        assertRefused(header: #"{"q":{"dtype":"F4","shape":[1],"data_offsets":[0,1]}}"#, dataBytes: 1, mentions: ["'q'", "F4"])
        assertRefused(header: #"{"q":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},}"#, dataBytes: 4, mentions: ["JSON"])
        assertRefused(header: "[1]", dataBytes: 0, mentions: ["object"])
    }

    func testRefusesHeaderLengthsPastTheEndOrTheLimit() throws {
        let tooLong = folder + "/long.safetensors"
        var bytes = withUnsafeBytes(of: UInt64(1000).littleEndian) { Array($0) } + Array("{}".utf8)
        FileManager.default.createFile(atPath: tooLong, contents: Data(bytes))
        XCTAssertThrowsError(try reader.open(tooLong, options: ReadOptions())) { XCTAssertTrue("\($0)".contains("past the end")) }
        bytes = withUnsafeBytes(of: UInt64.max.littleEndian) { Array($0) } + Array("{}".utf8)
        FileManager.default.createFile(atPath: tooLong, contents: Data(bytes))
        XCTAssertThrowsError(try reader.open(tooLong, options: ReadOptions())) { XCTAssertTrue("\($0)".contains("100,000,000")) }
        FileManager.default.createFile(atPath: tooLong, contents: Data([1, 2, 3]))
        XCTAssertThrowsError(try reader.open(tooLong, options: ReadOptions())) { XCTAssertTrue("\($0)".contains("too small")) }
    }

    func testRefusesIndexEntriesThatLeaveTheFolder() throws {
        let shard = TestFiles.craft(header: #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, dataBytes: 1, in: folder, name: "s.safetensors")
        _ = shard
        let index = folder + "/model.safetensors.index.json"
        FileManager.default.createFile(atPath: index, contents: Data(#"{"metadata":{},"weight_map":{"a":"../s.safetensors"}}"#.utf8))
        XCTAssertThrowsError(try reader.open(index, options: ReadOptions())) { XCTAssertTrue("\($0)".contains("../s.safetensors")) }
        FileManager.default.createFile(atPath: index, contents: Data(#"{"weight_map":{"a":"s.safetensors","b":"s.safetensors"}}"#.utf8))
        XCTAssertThrowsError(try reader.open(folder, options: ReadOptions())) { XCTAssertTrue("\($0)".contains("'b'")) }
        FileManager.default.createFile(atPath: index, contents: Data(#"{"weight_map":{"c":"s.safetensors"}}"#.utf8))
        XCTAssertThrowsError(try reader.open(folder, options: ReadOptions())) { XCTAssertTrue("\($0)".contains("'a'")) }
        FileManager.default.createFile(atPath: index, contents: Data(#"{"weight_map":{}}"#.utf8))
        XCTAssertThrowsError(try reader.open(folder, options: ReadOptions())) { XCTAssertTrue("\($0)".contains("no tensors")) }
    }

    func testRefusesIndexLargerThanTheLimitBeforeParsingIt() throws {
        let index = folder + "/model.safetensors.index.json"
        FileManager.default.createFile(atPath: index, contents: Data("{}".utf8))
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
