import XCTest
import Safetensors
import TureenCore
import TureenTestSupport
@testable import HDF5

final class HDF5WriterTests: XCTestCase {
    private func roundTrip(_ store: TensorStore, options: WriteOptions) throws -> TensorStore {
        let path = try makeScratchFolder().path + "/out.h5"
        try HDF5Writer().write(try StoreProducer(store: store), to: path, options: options)
        return try HDF5Reader().open(path, options: ReadOptions())
    }

    private func assertSameTensors(_ read: TensorStore, _ original: TensorStore, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(read.infos, original.infos, file: file, line: line)
        for tensor in original.tensors {
            XCTAssertEqual(try read.tensor(named: tensor.info.name)!.allBytes(), try tensor.allBytes(), tensor.info.name, file: file, line: line)
        }
        XCTAssertEqual(read.metadata, original.metadata, file: file, line: line)
    }

    func testEveryDTypeRoundTripsContiguousAndZeroCopy() throws {
        let original = try HDF5Reader().open(Fixtures.path("hdf5/all_dtypes.h5"), options: ReadOptions())
        let read = try roundTrip(original, options: WriteOptions())
        try assertSameTensors(read, original)
        XCTAssertTrue(read.tensors.allSatisfy { $0.source is MappedTensorSource })
    }

    func testEveryDTypeRoundTripsCompressed() throws {
        let original = try HDF5Reader().open(Fixtures.path("hdf5/all_dtypes.h5"), options: ReadOptions())
        let read = try roundTrip(original, options: WriteOptions(compress: true))
        try assertSameTensors(read, original)
        XCTAssertTrue(read.tensors.allSatisfy { $0.source is HyperslabTensorSource })
    }

    func testScalarsEmptyTensorsAndPrefixNamesRoundTrip() throws {
        let tensors = [
            try TensorInfo(name: "a.b", dtype: .f32, shape: []),
            try TensorInfo(name: "a.b.c", dtype: .i16, shape: [0, 4]),
            try TensorInfo(name: "layers.10.weight", dtype: .u8, shape: [3]),
            try TensorInfo(name: "layers.2.weight", dtype: .u8, shape: [3]),
        ]
        let producer = MemoryProducer(tensors: tensors, contents: [[0, 0, 128, 63], [], [1, 2, 3], [4, 5, 6]], metadata: ["format": "pt"])
        for compress in [false, true] {
            let path = try makeScratchFolder().path + "/out.h5"
            try HDF5Writer().write(producer, to: path, options: WriteOptions(compress: compress))
            let read = try HDF5Reader().open(path, options: ReadOptions())
            XCTAssertEqual(read.infos, tensors)
            XCTAssertEqual(try read.tensors.map { try $0.allBytes() }, producer.contents)
            XCTAssertEqual(read.metadata, ["format": "pt"])
        }
    }

    func testSafetensorsToHDF5ToSafetensorsIsByteIdentical() throws {
        let folder = try makeScratchFolder().path
        let source = Fixtures.path("safetensors/all_dtypes.safetensors")
        for compress in [false, true] {
            let h5 = folder + "/model\(compress).h5", back = folder + "/back\(compress).safetensors"
            try HDF5Writer().write(try StoreProducer(store: SafetensorsReader().open(source, options: ReadOptions())), to: h5, options: WriteOptions(compress: compress))
            try SafetensorsWriter().write(try StoreProducer(store: HDF5Reader().open(h5, options: ReadOptions())), to: back, options: WriteOptions())
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: back)), try Data(contentsOf: URL(fileURLWithPath: source)))
        }
    }

    func testLargeChunkedTensorSpansManyWindowsAndStitchesUnalignedRanges() throws {
        let count = 5_000_000
        var bytes = [UInt8](repeating: 0, count: count * 4)
        for index in 0..<count { withUnsafeBytes(of: UInt32(index % 100_003).littleEndian) { bytes.replaceSubrange((index * 4)..<(index * 4 + 4), with: $0) } }
        let info = try TensorInfo(name: "big", dtype: .u32, shape: [1000, 5000])
        let path = try makeScratchFolder().path + "/big.h5"
        try HDF5Writer().write(MemoryProducer(tensors: [info], contents: [bytes], chunkSize: 3 * 1024 * 1024 + 6), to: path, options: WriteOptions(compress: true))
        let tensor = try HDF5Reader().open(path, options: ReadOptions()).tensors[0]
        var offset = 0
        while offset < info.byteCount {
            let end = min(info.byteCount, offset + 3_000_004)
            let ok = try tensor.source.withBytes(in: offset..<end) { $0.elementsEqual(bytes[offset..<end]) }
            XCTAssertTrue(ok, "bytes \(offset)..<\(end)")
            offset = end
        }
    }

    func testFailedWriteLeavesNothingAtTheOutputPath() throws {
        let folder = try makeScratchFolder().path
        let path = folder + "/out.h5"
        let tensors = [try TensorInfo(name: "a", dtype: .u8, shape: [2]), try TensorInfo(name: "b", dtype: .u8, shape: [2])]
        for compress in [false, true] {
            let producer = MemoryProducer(tensors: tensors, contents: [[1, 2], [3, 4]], failAfter: 1)
            XCTAssertThrowsError(try HDF5Writer().write(producer, to: path, options: WriteOptions(compress: compress)))
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [])
        }
    }

    func testShortProducerIsAnError() throws {
        let path = try makeScratchFolder().path + "/out.h5"
        let producer = MemoryProducer(tensors: [try TensorInfo(name: "a", dtype: .u8, shape: [4])], contents: [[1, 2]])
        XCTAssertThrowsError(try HDF5Writer().write(producer, to: path, options: WriteOptions())) { error in
            XCTAssertEqual(error as? TensorStoreError, .producerShortfall(path: path, tensor: "a", expected: 4, actual: 2))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    func testKerasLayoutRoundTripsAKeras3File() throws {
        let original = try HDF5Reader().open(Fixtures.path("hdf5/keras3_bfloat16.weights.h5"), options: ReadOptions())
        try assertSameTensors(try roundTrip(original, options: WriteOptions(layout: .keras)), original)
    }

    func testKerasLayoutRefusesTensorsThatDidNotComeFromKeras3() throws {
        let original = try HDF5Reader().open(Fixtures.path("hdf5/flat.h5"), options: ReadOptions())
        let path = try makeScratchFolder().path + "/out.weights.h5"
        XCTAssertThrowsError(try HDF5Writer().write(try StoreProducer(store: original), to: path, options: WriteOptions(layout: .keras))) { error in
            XCTAssertEqual(error as? HDF5Error, .notKerasLayout(path: path, tensor: "weight"))
        }
    }

    func testMetadataHDF5CannotStoreIsRefusedBeforeWriting() throws {
        let folder = try makeScratchFolder().path
        let path = folder + "/out.h5"
        let tensors = [try TensorInfo(name: "w", dtype: .u8, shape: [2])]
        for (metadata, key) in [(["note": "a\0b"], "note"), (["k\0x": "v"], "k\0x"), (["": "v"], "")] {
            let producer = MemoryProducer(tensors: tensors, contents: [[1, 2]], metadata: metadata)
            XCTAssertThrowsError(try HDF5Writer().write(producer, to: path, options: WriteOptions()), key) { error in
                guard case let .unstorableMetadata(errorPath, errorKey, _)? = error as? HDF5Error else { return XCTFail("\(error)") }
                XCTAssertEqual([errorPath, errorKey], [path, key])
            }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [])
        }
    }
}
