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
        let output = try OutputFolder(destination: path, isOwned: { _ in true })
        let file = try output.file(named: "new")
        try file.write([2])
        try file.commit()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path), ["old"])
        try output.commit()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path), ["new"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["shards"])
    }

    func testOutputFolderRefusesToReplaceAFolderHoldingFilesItDoesNotWrite() throws {
        let path = folder + "/shards"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        _ = FileManager.default.createFile(atPath: path + "/notes.txt", contents: Data([1]))
        let output = try OutputFolder(destination: path, isOwned: { $0.hasSuffix(".bin") })
        XCTAssertThrowsError(try output.commit()) { error in
            XCTAssertEqual(error as? TensorStoreError, .outputFolderHoldsOtherFiles(path: path, names: ["notes.txt"]))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path), ["notes.txt"])
    }

    func testRemovingAFolderRemovesLinksButNeverWhatTheyPointTo() throws {
        let kept = folder + "/kept"
        try FileManager.default.createDirectory(atPath: kept, withIntermediateDirectories: false)
        _ = FileManager.default.createFile(atPath: kept + "/precious", contents: Data([1]))
        let leftover = folder + "/.x.tureen-host-1-abcdef"
        try FileManager.default.createDirectory(atPath: leftover, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: leftover + "/link.bin", withDestinationPath: kept)
        try FileManager.default.createSymbolicLink(atPath: leftover + "/file.bin", withDestinationPath: kept + "/precious")
        XCTAssertEqual(try FolderRemoval.foreignEntries(in: leftover, isOwned: { _ in true }), ["file.bin", "link.bin"], "links are never Tureen's")
        XCTAssertTrue(FolderRemoval.removeLeftover(leftover))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: kept), ["precious"])
        XCTAssertThrowsError(try FolderRemoval.foreignEntries(in: folder + "/linked", isOwned: { _ in true }))
    }

    func testTemporaryNamesFitNameMaxAndSayWhoWroteThem() throws {
        for length in [1, 200, 252, 255] {
            let name = String(repeating: "é", count: length / 2) + String(repeating: "a", count: length % 2)
            let template = TemporaryName.template(for: name)
            XCTAssertLessThanOrEqual(template.utf8.count + TemporaryName.asideSuffix.utf8.count, 255, "\(length)")
            XCTAssertTrue(template.contains(".tureen-\(ProcessIdentity.host)-\(getpid())-XXXXXX"))
            let parsed = try XCTUnwrap(TemporaryName(parsing: template.replacingOccurrences(of: "XXXXXX", with: "a1B2c3") + ".old"))
            XCTAssertEqual(parsed.host, ProcessIdentity.host)
            XCTAssertEqual(parsed.processID, getpid())
            XCTAssertTrue(parsed.isAside)
            XCTAssertEqual(parsed.isNameTruncated, parsed.outputName != name, "\(length)")
        }
        XCTAssertNil(TemporaryName(parsing: "model.safetensors"))
        XCTAssertNil(TemporaryName(parsing: ".model.tureen-host-notapid-abcdef"))
    }

    func testEachRunRemovesTheTemporariesOfDeadProcessesOfThisHostOnly() throws {
        var dead: Int32 = 4_000_000
        while kill(dead, 0) == 0 || errno != ESRCH { dead -= 1 }
        let host = ProcessIdentity.host
        let stale = ".out.bin.tureen-\(host)-\(dead)-abcdef"
        let staleFolder = ".shards.tureen-\(host)-\(dead)-ghijkl"
        let otherHost = ".out.bin.tureen-elsewhere-\(dead)-abcdef"
        let live = ".out.bin.tureen-\(host)-\(getpid())-abcdef"
        for name in [stale, otherHost, live] { _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: Data([1])) }
        try FileManager.default.createDirectory(atPath: folder + "/" + staleFolder, withIntermediateDirectories: false)
        _ = FileManager.default.createFile(atPath: folder + "/\(staleFolder)/model.safetensors", contents: Data([1]))
        let notices = LockedValue<[String]>([])
        StaleTemporaries.notices.withLock { $0 = { line in notices.withLock { $0.append(line) } } }
        defer { StaleTemporaries.notices.withLock { $0 = nil } }
        let output = try OutputFile(destination: folder + "/out.bin")
        try output.commit()
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder)), [otherHost, live, "out.bin"])
        XCTAssertEqual(notices.withLock { $0 }.count, 2)
        XCTAssertTrue(notices.withLock { $0 }.allSatisfy { $0.contains("\(dead)") && $0.contains("no longer running") })
    }

    func testAKilledProcessNotYetReapedIsNotRunning() throws {
        // Regression: a task killed and rerun at once found its killed run still "running" (a
        // zombie answers kill(pid, 0) until its parent reaps it), so its leftovers stayed.
        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", "exit 0"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        XCTAssertEqual(posix_spawn(&pid, "/bin/sh", nil, nil, &argv, environ), 0)
        defer { waitpid(pid, nil, 0) }
        var exited = siginfo_t()
        // Waits for the exit without reaping the child (WNOWAIT): it stays a zombie.
        XCTAssertEqual(waitid(P_PID, id_t(pid), &exited, WEXITED | WNOWAIT), 0)
        XCTAssertEqual(kill(pid, 0), 0, "a zombie answers kill(pid, 0)")
        XCTAssertFalse(ProcessIdentity.isRunning(pid))
        XCTAssertTrue(ProcessIdentity.isRunning(getpid()))
        let stale = ".out.bin.tureen-\(ProcessIdentity.host)-\(pid)-abcdef"
        _ = FileManager.default.createFile(atPath: folder + "/" + stale, contents: Data([1]))
        StaleTemporaries.clean(folder: folder)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/" + stale))
    }

    func testAFolderSetAsideByAKilledReplacementIsMovedBack() throws {
        var dead: Int32 = 4_000_000
        while kill(dead, 0) == 0 || errno != ESRCH { dead -= 1 }
        let aside = folder + "/.shards.tureen-\(ProcessIdentity.host)-\(dead)-abcdef.old"
        try FileManager.default.createDirectory(atPath: aside, withIntermediateDirectories: false)
        _ = FileManager.default.createFile(atPath: aside + "/model.safetensors", contents: Data([7]))
        _ = try OutputFile(destination: folder + "/other.bin")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["shards"])
        XCTAssertEqual(FileManager.default.contents(atPath: folder + "/shards/model.safetensors"), Data([7]))
    }

    private func permissions(_ path: String) throws -> Int {
        try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) & 0o777
    }

    func testOutputsHonourTheUmaskAndKeepTheModeOfWhatTheyReplace() throws {
        let path = folder + "/out.bin"
        let output = try OutputFile(destination: path)
        try output.commit()
        XCTAssertEqual(try permissions(path), Int(0o666 & ~OutputMode.umask))
        chmod(path, 0o600)
        let replacement = try OutputFile(destination: path)
        try replacement.commit()
        XCTAssertEqual(try permissions(path), 0o600)
        let shards = folder + "/shards"
        let newFolder = try OutputFolder(destination: shards, isOwned: { _ in true })
        try newFolder.commit()
        XCTAssertEqual(try permissions(shards), Int(0o777 & ~OutputMode.umask))
    }
}
