import XCTest
import TureenCore
@testable import GGUF

/// Hand-built GGUF headers against ggml's refusal rules.
final class GGUFHeaderTests: XCTestCase {
    private struct Info {
        var name: String
        var dims: [UInt64]
        var type: UInt32 = 0
        var offset: UInt64
    }

    private func gguf(version: UInt32 = 3, keys: [(String, UInt32, [UInt8])] = [], tensors: [Info], dataBytes: Int = 256) -> [UInt8] {
        var bytes = Array("GGUF".utf8)
        func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        func string(_ text: String) { u64(UInt64(text.utf8.count)); bytes += Array(text.utf8) }
        u32(version)
        u64(UInt64(tensors.count))
        u64(UInt64(keys.count))
        for (key, type, value) in keys {
            string(key)
            u32(type)
            bytes += value
        }
        for info in tensors {
            string(info.name)
            u32(UInt32(info.dims.count))
            info.dims.forEach(u64)
            u32(info.type)
            u64(info.offset)
        }
        while bytes.count % 32 != 0 { bytes.append(0) }
        return bytes + [UInt8](repeating: 0, count: dataBytes)
    }

    private func parse(_ bytes: [UInt8]) throws -> GGUFHeader {
        try bytes.withUnsafeBytes { try GGUFHeader($0, path: "test.gguf") }
    }

    private func assertRefused(_ bytes: [UInt8], mentions text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(bytes), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(text), "\(error)", file: file, line: line)
        }
    }

    func testDimensionsAreReversedIntoRowMajorOrderAndOffsetsPaddedToTheAlignment() throws {
        let header = try parse(gguf(tensors: [Info(name: "a", dims: [3, 2], offset: 0), Info(name: "b", dims: [5], offset: 32)]))
        XCTAssertEqual(header.tensors.map(\.shape), [[2, 3], [5]])
        XCTAssertEqual(header.tensors[1].fileOffset - header.tensors[0].fileOffset, 32)
    }

    func testRefusesOffsetsThatAreNotTheRunningSumOfSizes() {
        assertRefused(gguf(tensors: [Info(name: "a", dims: [3, 2], offset: 0), Info(name: "b", dims: [5], offset: 24)]), mentions: "contiguous")
    }

    func testRefusesDuplicateNamesLongNamesAndMoreThanFourDimensions() {
        assertRefused(gguf(tensors: [Info(name: "a", dims: [1], offset: 0), Info(name: "a", dims: [1], offset: 32)]), mentions: "more than once")
        assertRefused(gguf(tensors: [Info(name: String(repeating: "n", count: 64), dims: [1], offset: 0)]), mentions: "at most 63")
        assertRefused(gguf(tensors: [Info(name: "a", dims: [1, 1, 1, 1, 1], offset: 0)]), mentions: "5 dimensions")
    }

    func testRefusesVersionOneAndUnknownTypes() {
        assertRefused(gguf(version: 1, tensors: []), mentions: "version 1")
        assertRefused(gguf(tensors: [Info(name: "a", dims: [32], type: 99, offset: 0)]), mentions: "unknown ggml type 99")
    }

    func testRefusesRowsThatAreNotWholeBlocks() {
        assertRefused(gguf(tensors: [Info(name: "q", dims: [30], type: 8, offset: 0)]), mentions: "whole number of Q8_0 blocks")
    }

    func testRefusesSizesThatOverflowOrRunPastTheFile() {
        assertRefused(gguf(tensors: [Info(name: "a", dims: [1 << 40, 1 << 40], offset: 0)]), mentions: "overflow")
        assertRefused(gguf(tensors: [Info(name: "a", dims: [1000], offset: 0)]), mentions: "run past the end")
    }

    func testRefusesAnAlignmentThatIsNotAPowerOfTwoAndDuplicateKeys() {
        assertRefused(gguf(keys: [("general.alignment", 4, [48, 0, 0, 0])], tensors: []), mentions: "not a power of two")
        assertRefused(gguf(keys: [("k", 4, [1, 0, 0, 0]), ("k", 4, [1, 0, 0, 0])], tensors: []), mentions: "more than once")
    }

    func testRefusesAnArrayCountLargerThanTheFile() {
        let array: [UInt8] = [4, 0, 0, 0] + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]
        assertRefused(gguf(keys: [("tokens", 9, array)], tensors: []), mentions: "exceeds the file")
    }
}
