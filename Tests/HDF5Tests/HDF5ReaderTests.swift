import XCTest
import Safetensors
import TureenCore
import TureenTestSupport
@testable import HDF5

final class HDF5ReaderTests: XCTestCase {
    /// Checks `fixture` against its `.expected.safetensors`: order, dtype, shape, bytes and metadata.
    private func assertMatchesExpected(_ fixture: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = Fixtures.path("hdf5/" + fixture)
        let store = try HDF5Reader().open(path, options: ReadOptions())
        let expected = try SafetensorsReader().open(path.replacingOccurrences(of: ".h5", with: ".expected.safetensors"), options: ReadOptions())
        let json = try JSONSerialization.jsonObject(with: Data(expected.metadata["expected"]!.utf8)) as! [String: Any]
        let descriptions = json["tensors"] as! [String: String]
        XCTAssertEqual(store.infos.map(\.name), json["order"] as! [String], file: file, line: line)
        for tensor in store.tensors {
            let description = "\(tensor.info.dtype.rawValue) " + tensor.info.shape.map(String.init).joined(separator: ",")
            XCTAssertEqual(description, descriptions[tensor.info.name], tensor.info.name, file: file, line: line)
            let want = try expected.tensor(named: tensor.info.name)!.allBytes()
            XCTAssertEqual(try tensor.allBytes(), want, tensor.info.name, file: file, line: line)
        }
        XCTAssertEqual(store.metadata, json["metadata"] as! [String: String], file: file, line: line)
    }

    func testFlatFileReadsEveryDatasetAndStringAttribute() throws {
        try assertMatchesExpected("flat.h5")
    }

    func testNestedGroupsJoinWithDotsInCreationOrder() throws {
        try assertMatchesExpected("nested.h5")
    }

    func testChunkedGzipShuffleBigEndianAndCompactDatasetsDecode() throws {
        try assertMatchesExpected("chunked.h5")
    }

    func testEveryDTypeIncludingOpaqueBF16AndF8WithDTypeAttribute() throws {
        try assertMatchesExpected("all_dtypes.h5")
    }

    func testKeras2LegacyFileListsWeightsInModelOrderWithReadableNames() throws {
        try assertMatchesExpected("keras2_legacy.h5")
    }

    func testKeras3WeightsFileListsLayersInModelOrder() throws {
        try assertMatchesExpected("keras3.weights.h5")
        try assertMatchesExpected("keras3_bfloat16.weights.h5")
    }

    func testContiguousLittleEndianDataIsServedZeroCopy() throws {
        let store = try HDF5Reader().open(Fixtures.path("hdf5/chunked.h5"), options: ReadOptions())
        XCTAssertTrue(store.tensor(named: "gzip_shuffle")!.source is HyperslabTensorSource)
        XCTAssertTrue(store.tensor(named: "big_endian")!.source is HyperslabTensorSource)
        let flat = try HDF5Reader().open(Fixtures.path("hdf5/flat.h5"), options: ReadOptions())
        XCTAssertTrue(flat.tensor(named: "weight")!.source is MappedTensorSource)
    }

    func testOpaqueWithoutDTypeAttributeReadsWithAssumedType() throws {
        let store = try HDF5Reader().open(Fixtures.path("hdf5/refused/opaque_without_dtype.h5"), options: ReadOptions(assumedVoidTypes: [.bf16]))
        XCTAssertEqual(store.infos.map(\.dtype), [.bf16])
    }

    func testRefusedFilesNameTheFileTheObjectAndTheReason() throws {
        let cases: [(String, (HDF5Error) -> Bool)] = [
            ("external_link.h5", { if case .externalLink(_, "/elsewhere", _) = $0 { return true } else { return false } }),
            ("dangling_soft_link.h5", { if case .softLinkLeavesFile(_, "/gone", _) = $0 { return true } else { return false } }),
            ("external_storage.h5", { if case .externalStorage(_, "/raw") = $0 { return true } else { return false } }),
            ("virtual.h5", { if case .virtualDataset(_, "/virtual") = $0 { return true } else { return false } }),
            ("shape_bomb_contiguous.h5", { if case .shapeBomb(_, "/huge", _, _) = $0 { return true } else { return false } }),
            ("shape_bomb_chunked.h5", { if case .shapeBomb(_, "/huge", _, _) = $0 { return true } else { return false } }),
            ("strings.h5", { if case .unsupportedType(_, "/names", _) = $0 { return true } else { return false } }),
            ("compound.h5", { if case .unsupportedType(_, "/records", _) = $0 { return true } else { return false } }),
            ("opaque_without_dtype.h5", { if case .untypedOpaque(_, "/mystery", 2) = $0 { return true } else { return false } }),
        ]
        for (name, matches) in cases {
            let path = Fixtures.path("hdf5/refused/" + name)
            XCTAssertThrowsError(try HDF5Reader().open(path, options: ReadOptions()), name) { error in
                guard let error = error as? HDF5Error else { return XCTFail("\(name): \(error)") }
                XCTAssertTrue(matches(error), "\(name): \(error)")
                XCTAssertTrue(error.description.hasPrefix(path), "\(name): \(error)")
            }
        }
    }

    func testTruncatedFileIsRefusedWithAnErrorNamingIt() throws {
        let bytes = try Fixtures.bytes("hdf5/flat.h5")
        let path = try makeScratchFolder().file("truncated.h5", contents: bytes.prefix(bytes.count - 100))
        XCTAssertThrowsError(try HDF5Reader().open(path, options: ReadOptions())) { error in
            XCTAssertTrue("\(error)".hasPrefix(path), "\(error)")
        }
    }

    func testFileWithoutSignatureIsNotHDF5() throws {
        let path = try makeScratchFolder().file("fake.h5", contents: [UInt8](repeating: 7, count: 2048))
        XCTAssertThrowsError(try HDF5Reader().open(path, options: ReadOptions())) { error in
            XCTAssertEqual(error as? HDF5Error, .notHDF5(path: path))
        }
    }

    func testCorruptFileWithSignatureReportsLibraryErrorNamingTheFile() throws {
        let path = try makeScratchFolder().file("corrupt.h5", contents: HDF5Signature.bytes + [UInt8](repeating: 0xFF, count: 600))
        XCTAssertThrowsError(try HDF5Reader().open(path, options: ReadOptions())) { error in
            guard case let .library(file, object, _, detail)? = error as? HDF5Error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, path)
            XCTAssertEqual(object, "/")
            XCTAssertFalse(detail.isEmpty)
        }
    }

    func testGroupsNestedPastTheDepthLimitAreRefusedNotOverflowingTheStack() throws {
        let path = try makeScratchFolder().path + "/deep.h5"
        let depth = HDF5Walker.maximumDepth + 1
        let info = try TensorInfo(name: String(repeating: "g.", count: depth) + "w", dtype: .u8, shape: [1])
        try HDF5Writer().write(MemoryProducer(tensors: [info], contents: [[7]]), to: path, options: WriteOptions())
        XCTAssertThrowsError(try HDF5Reader().open(path, options: ReadOptions())) { error in
            guard case let .groupsTooDeep(file, object, limit)? = error as? HDF5Error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, path)
            XCTAssertEqual(limit, HDF5Walker.maximumDepth)
            XCTAssertTrue(object.hasPrefix("/g/g/"))
        }
    }

    func testEnumWiderThanItsOneByteBaseIsRefusedNotWrittenPastABuffer() throws {
        // all_dtypes.h5 with byte 876, the size of h5py's bool enum type, changed from 1 to 129 (found by
        // the fuzzer): libhdf5 copied 129-byte member values into one byte of stack.
        var bytes = try Fixtures.bytes("hdf5/all_dtypes.h5")
        XCTAssertEqual(bytes[876], 1)
        bytes[876] = 0x81
        let path = try makeScratchFolder().file("wide_enum.h5", contents: bytes)
        XCTAssertThrowsError(try HDF5Reader().open(path, options: ReadOptions())) { error in
            guard let error = error as? HDF5Error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".hasPrefix(path + ": "), "\(error)")
        }
    }
}
