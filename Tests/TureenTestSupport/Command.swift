import Foundation
import TureenCore
import XCTest

/// What a command printed and how it ended.
package struct CommandOutcome: Sendable {
    /// The exit status.
    package let status: Int32
    /// Everything written to standard output.
    package let output: String
    /// Everything written to standard error.
    package let errors: String
}

/// Runs `executable` with `arguments` in `directory` and waits for it to end.
///
/// Standard output and standard error are read at the same time: a command that fills one pipe
/// (64 KiB on Linux) while the test waits for the other to end would block both for ever.
package func runCommand(_ executable: URL, _ arguments: [String], in directory: String) throws -> CommandOutcome {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let errorData = LockedValue<Data?>(nil)
    let errorHandle = errors.fileHandleForReading
    Thread.detachNewThread {
        let data = errorHandle.readDataToEndOfFile()
        errorData.withLockBroadcasting { $0 = data }
    }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorBytes = errorData.wait(until: { $0 != nil }) { $0! }
    process.waitUntilExit()
    return CommandOutcome(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                          errors: String(decoding: errorBytes, as: UTF8.self))
}

/// Runs the `tureen` binary that `swift build` put beside the tests, in `directory`.
///
/// - Throws: `XCTSkip` if there is no such binary (a test-only build).
package func runTureen(_ arguments: [String], in directory: String) throws -> CommandOutcome {
    // The test bundle is a file beside the binary on Linux and a folder beside it on macOS.
    let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()].map { $0.appendingPathComponent("tureen") }
    guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw XCTSkip("no tureen binary beside the tests")
    }
    return try runCommand(binary, arguments, in: directory)
}
