import XCTest
import TureenCore
import TureenTestSupport
@testable import HDF5

/// An HDF5 file stored inside another file (a `.keras` archive's member) at an offset libhdf5
/// would never look at reads through Tureen's byte driver exactly as the file itself reads.
final class HDF5FileRegionTests: XCTestCase {
    func testAFileAtAnOddOffsetReadsLikeTheFileItself() throws {
        let scratch = try makeScratchFolder()
        let fixture = Fixtures.path("hdf5/chunked.h5")
        let inner = try Fixtures.bytes("hdf5/chunked.h5")
        let outer = try scratch.file("outer.bin", contents: [UInt8](repeating: 0x5A, count: 37) + inner + [UInt8](repeating: 0xA5, count: 100))
        let region = try HDF5FileRegion(37..<(37 + inner.count), of: try MappedFile(path: outer), label: "outer.bin: member 'inner'")
        let read = try HDF5Reader.read(region, options: ReadOptions(), preflight: false)
        let whole = try HDF5Reader().open(fixture, options: ReadOptions())
        XCTAssertEqual(read.tensors.map(\.info), whole.infos)
        for (tensor, expected) in zip(read.tensors, whole.tensors) {
            XCTAssertEqual(try tensor.allBytes(), try expected.allBytes(), tensor.info.name)
        }
        XCTAssertEqual(read.metadata, whole.metadata)
    }

    func testARegionPastTheEndOfTheFileIsRefused() throws {
        let file = try MappedFile(path: Fixtures.path("hdf5/flat.h5"))
        XCTAssertThrowsError(try HDF5FileRegion(10..<(file.count + 1), of: file, label: "flat")) {
            XCTAssertEqual($0 as? TensorStoreError, .rangeOutsideFile(path: file.path, range: 10..<(file.count + 1), fileSize: file.count))
        }
    }

    func testATruncatedMemberIsLibHDF5sTruncationErrorNamingTheMember() throws {
        let scratch = try makeScratchFolder()
        let inner = try Fixtures.bytes("hdf5/keras3.weights.h5")
        let outer = try scratch.file("outer.bin", contents: [0, 0, 0] + inner)
        let region = try HDF5FileRegion(3..<(3 + inner.count / 2), of: try MappedFile(path: outer), label: "outer.bin: member 'w'")
        XCTAssertThrowsError(try HDF5Reader.read(region, options: ReadOptions(), preflight: false)) {
            XCTAssertTrue("\($0)".hasPrefix("outer.bin: member 'w': /: libhdf5 could not open the file: truncated file"), "\($0)")
        }
    }

    func testStreamedKerasWeightsAreTheFileTheSeekingWriterWrites() throws {
        let scratch = try makeScratchFolder()
        let source = try HDF5Reader().open(Fixtures.path("hdf5/keras3.weights.h5"), options: ReadOptions())
        var streamed: [UInt8] = []
        var declared = -1
        try HDF5Writer.streamKerasWeights(try StoreProducer(store: source), label: "streamed", begin: { declared = $0 }, sink: { streamed += $0 })
        XCTAssertEqual(streamed.count, declared)
        let reread = try HDF5Reader().open(try scratch.file("streamed.weights.h5", contents: streamed), options: ReadOptions())
        XCTAssertEqual(reread.infos, source.infos)
        for (tensor, expected) in zip(reread.tensors, source.tensors) {
            XCTAssertEqual(try tensor.allBytes(), try expected.allBytes(), tensor.info.name)
        }
    }
}
