import Glibc
import TureenCore
import XCTest

final class FileSystemLiesInsideTests: XCTestCase {
    /// Inside means below the folder, by whole components, however the paths are spelled.
    func testAPathLiesInsideAFolderByWholeComponentsAfterNormalising() throws {
        XCTAssertTrue(FileSystem.lies("/a/b.scratch/plot.svg", inside: "/a/b.scratch"))
        XCTAssertTrue(FileSystem.lies("/a/b.scratch/x/../plot.svg", inside: "/a/b.scratch/"))
        XCTAssertTrue(FileSystem.lies("/a//b.scratch/./deep/plot.svg", inside: "/a/b.scratch"))
        XCTAssertFalse(FileSystem.lies("/a/b.scratch", inside: "/a/b.scratch"), "the folder itself")
        XCTAssertFalse(FileSystem.lies("/a/b.scratchX/plot.svg", inside: "/a/b.scratch"), "a sibling sharing a prefix")
        XCTAssertFalse(FileSystem.lies("/a/b.scratch/../plot.svg", inside: "/a/b.scratch"))
        // A relative path is taken from the working folder, as the other side may be absolute.
        let directory = try XCTUnwrap(getcwd(nil, 0))
        defer { free(directory) }
        let here = String(cString: directory)
        XCTAssertTrue(FileSystem.lies("b.scratch/plot.svg", inside: here + "/b.scratch"))
        XCTAssertTrue(FileSystem.lies(here + "/b.scratch/plot.svg", inside: "b.scratch"))
        XCTAssertFalse(FileSystem.lies("plot.svg", inside: "b.scratch"))
    }
}
