import XCTest
import TureenCore
import TureenTestSupport
@testable import NumPy

final class NumPyWriterTests: XCTestCase {
    private var scratch: ScratchFolder!

    override func setUpWithError() throws {
        scratch = try makeScratchFolder()
    }

    private func everyDType() throws -> MemoryProducer {
        MemoryProducer(try DType.allCases.enumerated().map { index, dtype in
            let info = try TensorInfo(name: "layer.\(index)/\(dtype.rawValue.lowercased())", dtype: dtype, shape: [3, 5])
            return (info, (0..<info.byteCount).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ index) })
        })
    }

    func testRoundTripsEveryDTypeStoredAndDeflated() throws {
        let content = try everyDType()
        for compress in [false, true] {
            let path = scratch.path + "/out-\(compress).npz"
            try NpzWriter().write(content, to: path, options: WriteOptions(compress: compress))
            let store = try NpzReader().open(path, options: ReadOptions())
            XCTAssertEqual(store.infos, content.tensors)
            for (tensor, expected) in zip(store.tensors, content.contents) {
                XCTAssertEqual(try tensor.allBytes(chunk: 10), expected, tensor.info.name)
            }
        }
    }

    func testOutputIsDeterministic() throws {
        let content = try everyDType()
        for compress in [false, true] {
            try NpzWriter().write(content, to: scratch.path + "/a.npz", options: WriteOptions(compress: compress))
            try NpzWriter().write(content, to: scratch.path + "/b.npz", options: WriteOptions(compress: compress))
            XCTAssertEqual(try scratch.bytes("a.npz"), try scratch.bytes("b.npz"))
        }
    }

    func testWritesZip64EndRecordsForMoreThan65535Members() throws {
        let count = 65_600
        let info = try TensorInfo(name: "t", dtype: .u8, shape: [1])
        let content = MemoryProducer((0..<count).map { (info.renamed("t\($0)"), [UInt8(truncatingIfNeeded: $0)]) })
        let path = scratch.path + "/many.npz"
        try NpzWriter().write(content, to: path, options: WriteOptions())
        let bytes = try scratch.bytes("many.npz")
        XCTAssertEqual(Array(bytes.suffix(22 + 20).prefix(4)), [0x50, 0x4B, 0x06, 0x07], "zip64 end locator before the end record")
        let store = try NpzReader().open(path, options: ReadOptions())
        XCTAssertEqual(store.tensors.count, count)
        XCTAssertEqual(try store.tensor(named: "t65599")?.allBytes(), [UInt8(truncatingIfNeeded: 65_599)])
    }

    func testZip64FieldsForLargeSizesAndOffsetsReadBack() throws {
        let content = try everyDType()
        for compress in [false, true] {
            let path = scratch.path + "/zip64-\(compress).npz"
            try NpzWriter(zip64Limit: 100).write(content, to: path, options: WriteOptions(compress: compress))
            let bytes = try scratch.bytes("zip64-\(compress).npz")
            XCTAssertEqual(Array(bytes.suffix(22 + 20).prefix(4)), [0x50, 0x4B, 0x06, 0x07], "zip64 end locator")
            XCTAssertEqual(Array(bytes[18..<26]), [UInt8](repeating: 0xFF, count: 8), "local header sizes live in the zip64 extra")
            let store = try NpzReader().open(path, options: ReadOptions())
            XCTAssertEqual(store.infos, content.tensors)
            for (tensor, expected) in zip(store.tensors, content.contents) {
                XCTAssertEqual(try tensor.allBytes(), expected, tensor.info.name)
            }
        }
    }

    func testNpyHoldsExactlyOneTensor() throws {
        let content = try everyDType()
        XCTAssertThrowsError(try NpyWriter().write(content, to: scratch.path + "/x.npy", options: WriteOptions())) {
            XCTAssertEqual($0 as? NumPyError, .singleTensorOnly(path: self.scratch.path + "/x.npy", count: content.tensors.count))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path + "/x.npy"))
    }

    func testNpyRoundTripsBF16ThroughItsRecordedDType() throws {
        let info = try TensorInfo(name: "w", dtype: .bf16, shape: [2, 2])
        let path = scratch.path + "/w.npy"
        try NpyWriter().write(MemoryProducer([(info, [1, 2, 3, 4, 5, 6, 7, 8])]), to: path, options: WriteOptions())
        let store = try NpyReader().open(path, options: ReadOptions())
        XCTAssertEqual(store.infos, [info])
        XCTAssertEqual(try store.tensors[0].allBytes(), [1, 2, 3, 4, 5, 6, 7, 8])
    }

    func testReadsBigEndianFortranOrderNpyFromNumpy() throws {
        let store = try NpyReader().open(Fixtures.path("numpy/fortran_big.npy"), options: ReadOptions())
        XCTAssertEqual(store.infos, [try TensorInfo(name: "fortran_big", dtype: .f64, shape: [2, 3, 4])])
        XCTAssertEqual(try store.tensors[0].allBytes(chunk: 16).count, 192)
    }

    func testShortProducerLeavesNoOutput() throws {
        var content = try everyDType()
        content.contents[3].removeLast(2)
        let path = scratch.path + "/short.npz"
        XCTAssertThrowsError(try NpzWriter().write(content, to: path, options: WriteOptions()))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), [])
    }

    private func tensors(named names: [String]) throws -> MemoryProducer {
        MemoryProducer(try names.map { (try TensorInfo(name: $0, dtype: .u8, shape: [1]), [7]) })
    }

    func testNpzRefusesNamesNumpyWouldNotGiveBackOrThatLeaveTheFolder() throws {
        let long = String(repeating: "a", count: 65_532)
        let cases: [(names: [String], refused: String, reason: String)] = [
            (["x", "x.npy"], "x.npy", "np.load"),
            (["../escape"], "../escape", "'..'"),
            (["a/../../b"], "a/../../b", "'..'"),
            (["a\\..\\b"], "a\\..\\b", "'..'"),
            (["/etc/weights"], "/etc/weights", "absolute"),
            ([long], long, "65,535"),
        ]
        for (names, refused, reason) in cases {
            let path = scratch.path + "/names.npz"
            XCTAssertThrowsError(try NpzWriter().write(try tensors(named: names), to: path, options: WriteOptions()), refused) { error in
                guard case let .unstorableName(_, tensor, detail)? = error as? TensorStoreError else { return XCTFail("\(error)") }
                XCTAssertEqual(tensor, refused)
                XCTAssertTrue(detail.contains(reason), "'\(detail)' should say '\(reason)'")
            }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), [], "nothing is written")
        }
    }

    func testNpzKeepsNamesEndingInNpyOrHoldingDotsWhenNothingClashes() throws {
        let content = try tensors(named: ["x.npy", "a/./b", "..x", "y..", "w"])
        let path = scratch.path + "/names.npz"
        try NpzWriter().write(content, to: path, options: WriteOptions())
        XCTAssertEqual(try NpzReader().open(path, options: ReadOptions()).infos, content.tensors)
    }
}
