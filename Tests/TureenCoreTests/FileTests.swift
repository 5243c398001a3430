import TureenTestSupport
import XCTest
@testable import TureenCore

final class FileTests: XCTestCase {
    private var scratch: ScratchFolder!
    private var folder: String { scratch.path }

    override func setUpWithError() throws {
        scratch = try makeScratchFolder()
    }

    func testMappedFileHandlesZeroLengthFiles() throws {
        let path = try scratch.file("empty", contents: [])
        let file = try MappedFile(path: path)
        XCTAssertEqual(file.count, 0)
        XCTAssertEqual(try file.withUnsafeBytes(in: 0..<0) { $0.count }, 0)
        XCTAssertThrowsError(try file.withUnsafeBytes(in: 0..<1) { $0.count })
    }

    func testMappedFileRefusesRangesOutsideTheFile() throws {
        let path = try scratch.file("small", contents: [1, 2, 3, 4])
        let file = try MappedFile(path: path)
        XCTAssertEqual(try file.withUnsafeBytes(in: 1..<3) { Array($0) }, [2, 3])
        XCTAssertThrowsError(try file.withUnsafeBytes(in: 2..<5) { $0.count }) { error in
            XCTAssertTrue("\(error)".contains(path))
        }
    }

    func testFilesBeyondTheDescriptorBudgetAreReadByOpeningThePathAgain() throws {
        let budget = DescriptorBudget(limit: 1)
        var files: [MappedFile] = []
        for index in 0..<2 {
            let path = try scratch.file("input\(index)", contents: [UInt8](repeating: UInt8(index + 1), count: 10_000))
            files.append(try MappedFile(path: path, budget: budget))
        }
        XCTAssertEqual(files.map(\.supportsPositionedReads), [true, false])
        for (index, file) in files.enumerated() {
            let source = try MappedTensorSource(file: file, fileRange: 100..<9_100)
            var copy = [UInt8](repeating: 0, count: 5_000)
            try copy.withUnsafeMutableBytes { try source.copyBytes(in: 1_000..<6_000, into: $0) }
            XCTAssertEqual(copy, [UInt8](repeating: UInt8(index + 1), count: 5_000))
            XCTAssertThrowsError(try copy.withUnsafeMutableBytes { try source.copyBytes(in: 8_000..<9_001, into: $0) })
        }
        try scratch.file("replacement", contents: [UInt8](repeating: 9, count: 10_000))
        XCTAssertEqual(rename(folder + "/replacement", folder + "/input1"), 0)
        XCTAssertThrowsError(try files[1].bytes(in: 0..<10), "the path names another file now") { error in
            XCTAssertEqual(error as? TensorStoreError, .cannotRead(path: folder + "/input1", errno: .staleNFSFileHandle))
        }
        files.removeFirst()
        XCTAssertTrue(try MappedFile(path: folder + "/input0", budget: budget).supportsPositionedReads, "a closed file gives its descriptor back")
    }

    func testTheOnDemandViewReadsOnlyWhatIsLoadedAndReportsATruncatedFile() throws {
        let path = try scratch.file("archive", contents: (0..<(3 * 4096)).map { UInt8(truncatingIfNeeded: $0 / 4096 + 1) })
        let file = try MappedFile(path: path)
        try file.withBytesLoadedOnDemand { bytes, load in
            try load(4096..<4100)
            XCTAssertEqual(Array(bytes[4096..<4100]), [2, 2, 2, 2])
            XCTAssertEqual(bytes[0], 0, "a page never loaded stays zero")
        }
        XCTAssertEqual(truncate(path, 4096), 0)
        XCTAssertThrowsError(try file.withBytesLoadedOnDemand { _, load in try load(8192..<8200) }) { error in
            XCTAssertEqual(error as? TensorStoreError, .truncatedWhileReading(path: path, endedAt: 8192))
        }
    }

    func testMappedFileNamesMissingFiles() {
        XCTAssertThrowsError(try MappedFile(path: folder + "/missing")) { error in
            XCTAssertTrue("\(error)".contains("missing"))
        }
    }

    func testOutputFileLeavesNothingBehindWithoutCommit() throws {
        let path = folder + "/out.bin"
        do {
            let output = try OutputFile(destination: path)
            try output.write([1, 2, 3])
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [])
    }

    func testOutputFileCommitsPatchedBytes() throws {
        let path = folder + "/out.bin"
        let output = try OutputFile(destination: path, bufferSize: 4)
        try output.write([0, 0, 9, 9, 9, 9, 9, 7])
        try output.overwrite([5, 6], at: 0)
        try output.commit()
        XCTAssertEqual(FileManager.default.contents(atPath: path), Data([5, 6, 9, 9, 9, 9, 9, 7]))
    }

    func testOutputFolderReplacesAnExistingFolderOnlyOnCommit() throws {
        let path = folder + "/shards"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        try scratch.file("shards/old", contents: [1])
        let output = try OutputFolder(destination: path)
        let file = try output.file(named: "new")
        try file.write([2])
        try file.commit()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path), ["old"])
        try output.commit()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path), ["new"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["shards"])
    }
}
