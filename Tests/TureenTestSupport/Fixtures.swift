import Foundation

/// The files in the repository's `Fixtures/` folder, written by the reference libraries.
package enum Fixtures {
    /// The `Fixtures/` folder, three levels above this file (`Tests/TureenTestSupport/Fixtures.swift`).
    package static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    /// The path of `relativePath` inside `Fixtures/`: `Fixtures.path("hdf5/flat.h5")`.
    package static func path(_ relativePath: String) -> String {
        root + "/" + relativePath
    }

    /// The bytes of the fixture at `relativePath` inside `Fixtures/`.
    package static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(relativePath))))
    }
}
