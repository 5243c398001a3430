import XCTest
import TureenCore
import TureenTestSupport
@testable import NumPy
import Zip

final class NpzReaderTests: XCTestCase {
    private var scratch: ScratchFolder!

    override func setUpWithError() throws {
        scratch = try makeScratchFolder()
    }

    private let f32Array = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data: TensorBytes.littleEndian([UInt32(0x3F80_0000), 0x4000_0000]))

    private func open(_ builder: ZipBuilder, options: ReadOptions = ReadOptions()) throws -> TensorStore {
        try NpzReader().open(try scratch.file("test.npz", contents: builder.build()), options: options)
    }

    private func assertRefused(_ builder: ZipBuilder, mentions text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try open(builder).tensors.forEach { _ = try $0.allBytes() }, file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(text), "\(error) should mention \(text)", file: file, line: line)
        }
    }

    func testReadsEveryZip64FormCPythonWrites() throws {
        for form in [ZipBuilder.Zip64Form.none, .realSizesPlusExtra, .maximumPlusExtra] {
            for deflate in [false, true] {
                let store = try open(ZipBuilder(members: [.init(name: "w.npy", data: f32Array, deflate: deflate)], zip64: form))
                XCTAssertEqual(store.tensors.map(\.info.name), ["w"], "\(form) deflate \(deflate)")
                XCTAssertEqual(try store.tensors[0].allBytes(), TensorBytes.littleEndian([UInt32(0x3F80_0000), 0x4000_0000]))
            }
        }
    }

    func testMemberNamesKeepSlashesAndDots() throws {
        let store = try open(ZipBuilder(members: [.init(name: "model.layers.0/mlp.up_proj.weight.npy", data: f32Array)]))
        XCTAssertEqual(store.tensors[0].info.name, "model.layers.0/mlp.up_proj.weight")
    }

    func testRefusesDuplicateMemberNames() {
        assertRefused(ZipBuilder(members: [.init(name: "a.npy", data: f32Array), .init(name: "a.npy", data: f32Array)]), mentions: "more than once")
    }

    func testRefusesOverlappingMembers() {
        let nested = ZipBuilder(members: [.init(name: "y.npy", data: f32Array)]).build()
        let overlapping = ZipBuilder(members: [
            .init(name: "x.npy", data: nested),
            .init(name: "y.npy", data: f32Array, localOffsetOverride: 30 + 5),
        ])
        assertRefused(overlapping, mentions: "overlap")
    }

    func testRefusesLocalHeaderSizesThatDisagreeWithTheDirectory() {
        assertRefused(ZipBuilder(members: [.init(name: "w.npy", data: f32Array, localDeclaredSize: f32Array.count + 8)]), mentions: "its local header gives")
        assertRefused(ZipBuilder(members: [.init(name: "w.npy", data: f32Array, deflate: true, localDeclaredSize: 1)]), mentions: "the central directory")
    }

    func testRefusesDirectoryEntriesThatMissTheirLocalHeader() {
        let builder = ZipBuilder(members: [.init(name: "b.npy", data: f32Array), .init(name: "c.npy", data: f32Array, localOffsetOverride: 0)])
        assertRefused(builder, mentions: "local header names it 'b.npy'")
    }

    func testRefusesDeclaredSizesDeflateCannotReach() {
        assertRefused(ZipBuilder(members: [.init(name: "a.npy", data: f32Array, deflate: true, declaredSize: 50_000_000)]), mentions: "zip bomb")
    }

    func testRefusesMembersThatAreNotArrays() {
        assertRefused(ZipBuilder(members: [.init(name: "readme.txt", data: Array("hi".utf8))]), mentions: "not a .npy array")
    }

    func testDetectsCorruptDataByCRC() {
        for deflate in [false, true] {
            assertRefused(ZipBuilder(members: [.init(name: "a.npy", data: f32Array, deflate: deflate, crc: 0x1234_5678)]), mentions: "CRC-32")
        }
    }

    func testRefusesTruncatedDeflateStreams() throws {
        var bytes = ZipBuilder(members: [.init(name: "a.npy", data: f32Array, deflate: true)]).build()
        let compressed = ZipBuilder.deflate(f32Array)
        bytes.replaceSubrange((30 + 5)..<(30 + 5 + compressed.count), with: [UInt8](repeating: 0xFF, count: compressed.count))
        let path = try scratch.file("bad.npz", contents: bytes)
        XCTAssertThrowsError(try NpzReader().open(path, options: ReadOptions()).tensors.forEach { _ = try $0.allBytes() }) { error in
            XCTAssertTrue("\(error)".contains("deflate"), "\(error)")
        }
    }

    func testDeflatedSourceServesRangesInAnyOrder() throws {
        let values = (0..<10_000).map { UInt32($0) }
        let array = npyBytes("{'descr': '<u4', 'fortran_order': False, 'shape': (10000,), }", data: TensorBytes.littleEndian(values))
        let tensor = try open(ZipBuilder(members: [.init(name: "v.npy", data: array, deflate: true)])).tensors[0]
        let expected = TensorBytes.littleEndian(values)
        for range in [4000..<8000, 0..<4, 39_996..<40_000, 100..<100] {
            XCTAssertEqual(try tensor.source.withBytes(in: range) { Array($0) }, Array(expected[range]))
        }
        XCTAssertEqual(try tensor.allBytes(chunk: 4096), expected)
    }

    func testReadsZip64MembersLargerThanFourGiBFromASparseFile() throws {
        let size = (1 << 32) + 4096
        let header = NpyHeader.encode(try TensorInfo(name: "big", dtype: .u8, shape: [size - 128]))
        XCTAssertEqual(header.count, 128)
        var zip64Extra = LittleEndianBytes()
        zip64Extra.u16(1)
        zip64Extra.u16(16)
        zip64Extra.u64(size)
        zip64Extra.u64(size)
        let name = Array("big.npy".utf8)
        var local = LittleEndianBytes()
        local.u32(0x0403_4B50)
        for field in [45, 0, 0, 0, 0x21] { local.u16(field) }
        for field in [0, 0xFFFF_FFFF, 0xFFFF_FFFF] { local.u32(field) }
        local.u16(name.count)
        local.u16(zip64Extra.bytes.count)
        local.bytes += name + zip64Extra.bytes + header
        let directoryOffset = 30 + name.count + zip64Extra.bytes.count + size
        var tail = LittleEndianBytes()
        tail.u32(0x0201_4B50)
        for field in [45, 45, 0, 0, 0, 0x21] { tail.u16(field) }
        for field in [0, 0xFFFF_FFFF, 0xFFFF_FFFF] { tail.u32(field) }
        tail.u16(name.count)
        tail.u16(zip64Extra.bytes.count)
        for _ in 0..<3 { tail.u16(0) }
        tail.u32(0)
        tail.u32(0)
        tail.bytes += name + zip64Extra.bytes
        let directorySize = tail.bytes.count
        tail.u32(0x0606_4B50)
        tail.u64(44)
        tail.u16(45)
        tail.u16(45)
        tail.u32(0)
        tail.u32(0)
        for field in [1, 1, directorySize, directoryOffset] { tail.u64(field) }
        tail.u32(0x0706_4B50)
        tail.u32(0)
        tail.u64(directoryOffset + directorySize)
        tail.u32(1)
        tail.u32(0x0605_4B50)
        tail.u32(0)
        tail.u16(1)
        tail.u16(1)
        tail.u32(directorySize)
        tail.u32(0xFFFF_FFFF)
        tail.u16(0)

        let path = scratch.path + "/big.npz"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(local.bytes)))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: UInt64(directoryOffset))
        try handle.write(contentsOf: Data(tail.bytes))
        try handle.close()

        let store = try NpzReader().open(path, options: ReadOptions())
        XCTAssertEqual(store.tensors.map(\.info), [try TensorInfo(name: "big", dtype: .u8, shape: [size - 128])])
        let last = (size - 128 - 16)..<(size - 128)
        XCTAssertEqual(try store.tensors[0].source.withBytes(in: last) { Array($0) }, [UInt8](repeating: 0, count: 16))
    }

    func testReadsNumpySavezFixturesIdenticallyStoredAndCompressed() throws {
        let stored = try NpzReader().open(Fixtures.path("numpy/all_dtypes.npz"), options: ReadOptions())
        let compressed = try NpzReader().open(Fixtures.path("numpy/all_dtypes_compressed.npz"), options: ReadOptions())
        XCTAssertEqual(stored.infos, compressed.infos)
        XCTAssertTrue(stored.infos.contains { $0.name == "a/b.c" })
        for (left, right) in zip(stored.tensors, compressed.tensors) {
            XCTAssertEqual(try left.allBytes(chunk: 24), try right.allBytes(chunk: 40), left.info.name)
        }
    }

    func testConvertsBigEndianAndFortranOrderToLittleEndianCOrder() throws {
        // [[1, 2, 3], [4, 5, 6]] as big-endian int16 in column-major order: 1 4 2 5 3 6.
        let data: [UInt8] = [0, 1, 0, 4, 0, 2, 0, 5, 0, 3, 0, 6]
        let array = npyBytes("{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }", data: data)
        for deflate in [false, true] {
            let tensor = try open(ZipBuilder(members: [.init(name: "m.npy", data: array, deflate: deflate)])).tensors[0]
            XCTAssertEqual(try tensor.allBytes(chunk: 4), TensorBytes.littleEndian([Int16(1), 2, 3, 4, 5, 6]))
        }
    }

    func testMutatedArchivesNeverTrap() throws {
        let valid = ZipBuilder(members: [
            .init(name: "a.npy", data: f32Array),
            .init(name: "b.npy", data: f32Array, deflate: true),
        ], zip64: .maximumPlusExtra).build()
        var generator = SystemRandomNumberGenerator()
        for round in 0..<3_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let value: UInt8 = Bool.random(using: &generator) ? 0xFF : UInt8.random(in: 0...255, using: &generator)
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = value
            }
            _ = try? bytes.withUnsafeBytes { try ZipDirectory.parse($0, path: "fuzz.npz") }
            if round % 10 == 0 {
                let path = try scratch.file("fuzz.npz", contents: bytes)
                _ = try? NpzReader().open(path, options: ReadOptions()).tensors.map { try $0.allBytes(chunk: 3) }
            }
        }
    }
}
