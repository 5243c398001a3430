import Foundation
import TureenTestSupport
import XCTest

/// Writing onto a disk that fills up (issue 11, item 8), on a small tmpfs the test mounts itself.
/// A compressed `.h5` whose last chunks met the full disk when libhdf5 flushed them at the
/// dataset's close used to be committed incomplete, then the process died of SIGSEGV at exit
/// (libhdf5's exit handler closing the dataset again).
final class FullDiskCommandTests: XCTestCase {
    private var scratch: ScratchFolder!
    private var folder: String { scratch.path }

    override func setUpWithError() throws { scratch = try makeScratchFolder() }

    /// A safetensors file of two 4 MiB tensors of random bytes (which deflate cannot shrink).
    private func writeIncompressibleModel() throws -> String {
        let count = 4 << 20
        let header = #"{"a":{"dtype":"U8","shape":[\#(count)],"data_offsets":[0,\#(count)]},"b":{"dtype":"U8","shape":[\#(count)],"data_offsets":[\#(count),\#(2 * count)]}}"#
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) } + Array(header.utf8)
        var generator = SystemRandomNumberGenerator()
        bytes += (0..<(2 * count / 8)).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
        return try scratch.file("random.safetensors", contents: bytes)
    }

    /// Runs `mount`/`umount` with `arguments`.
    private func mountCommand(_ command: String, _ arguments: [String]) throws -> CommandOutcome {
        try runCommand(URL(fileURLWithPath: "/bin/" + command), arguments, in: folder)
    }

    func testCompressedHDF5OntoAFullDiskFailsCleanlyWhereverTheDiskFills() throws {
        guard getuid() == 0 else {
            print("FullDiskCommandTests: skipped, mounting a tmpfs needs root")
            throw XCTSkip("mounting a tmpfs needs root")
        }
        let input = try writeIncompressibleModel()
        let reference = try runTureen(["convert", input, folder + "/reference.h5", "--compress"], in: folder)
        XCTAssertEqual(reference.status, 0, reference.errors)
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: folder + "/reference.h5")[.size] as? Int)
        let disk = folder + "/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: false)
        let mounted = try mountCommand("mount", ["-t", "tmpfs", "-o", "size=\(size / 4096 * 4)k", "tmpfs", disk])
        guard mounted.status == 0 else {
            print("FullDiskCommandTests: skipped, cannot mount a tmpfs: \(mounted.errors)")
            throw XCTSkip("cannot mount a tmpfs: \(mounted.errors)")
        }
        defer { _ = try? mountCommand("umount", [disk]) }
        // Short by a few pages (the last chunks fail at the dataset's close) up to by a lot
        // (a chunk write fails): each must end with exit 1 and leave nothing behind.
        for missingPages in [4, 16, 64, 200, 1000] {
            let remount = try mountCommand("mount", ["-o", "remount,size=\((size / 4096 - missingPages) * 4)k", disk])
            XCTAssertEqual(remount.status, 0, remount.errors)
            let outcome = try runTureen(["convert", input, disk + "/out.h5", "--compress"], in: folder)
            XCTAssertEqual(outcome.status, 1, "\(missingPages) pages short: \(outcome.errors.prefix(300))")
            XCTAssertTrue(outcome.errors.contains("No space left on device"), "\(missingPages) pages short: \(outcome.errors.prefix(300))")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: disk), [], "\(missingPages) pages short")
        }
    }
}
