import Foundation
import XCTest

/// An empty folder of a test's own under the system's temporary folder, removed with everything in
/// it when the test ends (`XCTestCase.makeScratchFolder()`) or when the folder is released.
package final class ScratchFolder: Sendable {
    /// The folder's path.
    package let path: String

    /// Creates a new empty folder.
    package init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("tureen-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        remove()
    }

    /// Removes the folder and everything in it.
    package func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `contents` to the file `name` (relative to the folder), replacing it, and returns its path.
    @discardableResult
    package func file(_ name: String, contents: some Sequence<UInt8>) throws -> String {
        let target = path + "/" + name
        try Data(contents).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// The bytes of the file `name` (relative to the folder).
    package func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path + "/" + name)))
    }
}

extension XCTestCase {
    /// A new empty folder, removed when the current test ends.
    package func makeScratchFolder() throws -> ScratchFolder {
        let folder = try ScratchFolder()
        addTeardownBlock { folder.remove() }
        return folder
    }
}
