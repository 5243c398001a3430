import XCTest
import TureenCore
import TureenTestSupport
@testable import NumPy

final class NpyHeaderTests: XCTestCase {
    private func parse(_ dictionary: String, version: UInt8 = 1, assumed: [DType] = []) throws -> NpyHeader {
        try npyBytes(dictionary, data: [], version: version).withUnsafeBytes {
            try NpyHeader.parse($0, name: "t", path: "test.npy", member: "", assumedVoidTypes: assumed)
        }
    }

    private func assertBadHeader(_ dictionary: String, mentions text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(dictionary), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(text), "\(error) should mention \(text)", file: file, line: line)
        }
    }

    func testParsesTheHeaderNumpyWrites() throws {
        let header = try parse("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }")
        XCTAssertEqual(header.info.dtype, .f32)
        XCTAssertEqual(header.info.shape, [2, 3])
        XCTAssertFalse(header.isFortranOrder)
        XCTAssertFalse(header.isBigEndian)
        XCTAssertEqual(header.dataOffset, 128)
    }

    func testAcceptsKeysInAnyOrderDoubleQuotesAndNoTrailingComma() throws {
        let header = try parse(#"{"shape": (4,), "fortran_order": True, "descr": ">i8"}"#)
        XCTAssertEqual(header.info.shape, [4])
        XCTAssertEqual(header.info.dtype, .i64)
        XCTAssertTrue(header.isBigEndian)
        XCTAssertFalse(header.isFortranOrder, "a one-dimensional array is the same in both orders")
    }

    func testReadsRankZeroAndZeroSizeShapes() throws {
        XCTAssertEqual(try parse("{'descr': '<f8', 'fortran_order': False, 'shape': (), }").info.elementCount, 1)
        XCTAssertEqual(try parse("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 0), }").info.byteCount, 0)
    }

    func testReadsVersionTwoAndThreeHeaders() throws {
        XCTAssertEqual(try parse("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }", version: 2).info.dtype, .u8)
        XCTAssertEqual(try parse("{'descr': '|b1', 'fortran_order': False, 'shape': (5,), }", version: 3).info.dtype, .bool)
    }

    func testRefusesUnknownVersions() {
        var bytes = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0])
        bytes[6] = 4
        XCTAssertThrowsError(try bytes.withUnsafeBytes { try NpyHeader.parse($0, name: "t", path: "p", member: "", assumedVoidTypes: []) }) {
            XCTAssertEqual($0 as? NumPyError, .unsupportedVersion(path: "p", member: "", major: 4, minor: 0))
        }
    }

    func testRefusesExtraMissingAndRepeatedKeys() {
        assertBadHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", mentions: "unexpected key 'extra'")
        assertBadHeader("{'descr': '<f4', 'shape': (1,)}", mentions: "missing key fortran_order")
        assertBadHeader("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", mentions: "appears twice")
    }

    func testRefusesNegativeAndOverflowingShapes() {
        assertBadHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }", mentions: "negative")
        assertBadHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", mentions: "64 bits")
        assertBadHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", mentions: "64 bits")
    }

    func testRefusesMoreDimensionsThanNumpyAllows() throws {
        let ones = { (count: Int) in "(" + Array(repeating: "1", count: count).joined(separator: ", ") + ")" }
        XCTAssertEqual(try parse("{'descr': '<f4', 'fortran_order': False, 'shape': \(ones(64)), }").info.shape.count, 64)
        XCTAssertThrowsError(try parse("{'descr': '<f4', 'fortran_order': False, 'shape': \(ones(65)), }")) { error in
            let message = "\(error)"
            for fragment in ["test.npy", "'t'", "65 dimensions", "at most 64"] {
                XCTAssertTrue(message.contains(fragment), "'\(message)' should mention '\(fragment)'")
            }
        }
    }

    func testRefusesAnIntegerWhereATupleBelongs() {
        assertBadHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", mentions: "not a tuple")
    }

    func testRefusesAnythingButCommentsAfterTheDictionary() {
        assertBadHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), } + __import__('os')", mentions: "only spaces or a comment")
    }

    func testRefusesObjectArraysWithoutUnpickling() {
        XCTAssertThrowsError(try parse("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }")) {
            XCTAssertEqual($0 as? NumPyError, .objectDType(path: "test.npy", member: ""))
        }
    }

    func testRefusesStructuredAndStringDTypes() {
        assertBadHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", mentions: "structured")
        XCTAssertThrowsError(try parse("{'descr': '<U5', 'fortran_order': False, 'shape': (2,), }")) {
            XCTAssertEqual($0 as? NumPyError, .unsupportedDescr(path: "test.npy", member: "", descr: "<U5"))
        }
    }

    func testRefusesHeadersLongerThanNumpyAllows() {
        let long = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }" + String(repeating: " ", count: 10_050)
        XCTAssertThrowsError(try parse(long, version: 2)) { error in
            guard case .headerTooLong = error as? NumPyError else { return XCTFail("\(error)") }
        }
    }

    func testUntypedVoidNeedsARecordOrAnAssumption() throws {
        XCTAssertThrowsError(try parse("{'descr': '<V2', 'fortran_order': False, 'shape': (2,), }")) {
            XCTAssertEqual($0 as? NumPyError, .untypedVoid(path: "test.npy", member: "", descr: "<V2", byteWidth: 2))
        }
        XCTAssertEqual(try parse("{'descr': '<V2', 'fortran_order': False, 'shape': (2,), }", assumed: [.bf16]).info.dtype, .bf16)
        XCTAssertEqual(try parse("{'descr': '<V2', 'fortran_order': False, 'shape': (2,), } # tureen-dtype: bfloat16").info.dtype, .bf16)
        XCTAssertEqual(try parse("{'descr': '<V1', 'fortran_order': False, 'shape': (2,), } # tureen-dtype: float8_e5m2").info.dtype, .f8E5M2)
        XCTAssertThrowsError(try parse("{'descr': '<V1', 'fortran_order': False, 'shape': (2,), }", assumed: [.bf16])) {
            XCTAssertEqual($0 as? NumPyError, .untypedVoid(path: "test.npy", member: "", descr: "<V1", byteWidth: 1))
        }
    }

    func testAssumedVoidDTypesApplyEachToItsOwnWidth() throws {
        for assumed in [[DType.bf16, .f8E5M2], [.f8E5M2, .bf16]] {
            XCTAssertEqual(try parse("{'descr': '<V2', 'fortran_order': False, 'shape': (2,), }", assumed: assumed).info.dtype, .bf16)
            XCTAssertEqual(try parse("{'descr': '<V1', 'fortran_order': False, 'shape': (2,), }", assumed: assumed).info.dtype, .f8E5M2)
        }
        XCTAssertEqual(try parse("{'descr': '<V1', 'fortran_order': False, 'shape': (2,), }", assumed: [.f8E4M3, .f8E5M2]).info.dtype, .f8E4M3,
                       "where two share a width the first applies")
    }

    func testVoidWidthThatContradictsTheRecordedDTypeIsNamedAsSuch() {
        assertBadHeader("{'descr': '<V2', 'fortran_order': False, 'shape': (2,), } # tureen-dtype: float8_e4m3fn",
                        mentions: "'<V2' has 2-byte elements but its '# tureen-dtype: float8_e4m3fn' comment names a 1-byte dtype")
        assertBadHeader("{'descr': '<V1', 'fortran_order': False, 'shape': (2,), } # tureen-dtype: bfloat16",
                        mentions: "'<V1' has 1-byte elements but its '# tureen-dtype: bfloat16' comment names a 2-byte dtype")
    }

    func testEncodesHeadersByteForByteAsNumpyDoes() throws {
        let numpy = try Array(Fixtures.bytes("numpy/matrix.npy").prefix(128))
        let encoded = NpyHeader.encode(try TensorInfo(name: "matrix", dtype: .f32, shape: [3, 4]))
        XCTAssertEqual(encoded, numpy)
    }

    func testEncodedVoidHeadersRoundTripTheirDType() throws {
        for dtype in [DType.bf16, .f8E4M3, .f8E5M2] {
            let encoded = NpyHeader.encode(try TensorInfo(name: "t", dtype: dtype, shape: [2, 2]))
            XCTAssertEqual(encoded.count % 64, 0)
            let header = try encoded.withUnsafeBytes { try NpyHeader.parse($0, name: "t", path: "p", member: "", assumedVoidTypes: []) }
            XCTAssertEqual(header.info.dtype, dtype)
        }
    }

    func testMutatedHeadersNeverTrap() throws {
        let valid = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } # tureen-dtype: bfloat16", data: [])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            _ = try? bytes.withUnsafeBytes { try NpyHeader.parse($0, name: "t", path: "p", member: "", assumedVoidTypes: [.bf16, .f8E4M3]) }
        }
    }
}
