import XCTest
@testable import HDF5

final class HDF5NamesTests: XCTestCase {
    func testDottedNamesBecomeNestedGroups() throws {
        XCTAssertEqual(try HDF5Names.paths(for: ["model.layers.0.weight"], file: "x.h5"), [["model", "layers", "0", "weight"]])
    }

    func testReadingJoinsComponentsWithDots() {
        XCTAssertEqual(HDF5Names.tensorName(forPath: ["model", "layers.0", "weight"]), "model.layers.0.weight")
    }

    func testNameThatIsAnotherTensorsPrefixKeepsTheRestInOneLink() throws {
        let paths = try HDF5Names.paths(for: ["a.b", "a.b.c"], file: "x.h5")
        XCTAssertEqual(paths, [["a", "b"], ["a", "b.c"]])
        XCTAssertEqual(paths.map(HDF5Names.tensorName(forPath:)), ["a.b", "a.b.c"])
    }

    func testEmptyPartsStayInsideOneLink() throws {
        let paths = try HDF5Names.paths(for: ["a..b", ".x", "y."], file: "x.h5")
        XCTAssertEqual(paths, [["a.", "b"], [".x"], ["y."]])
        XCTAssertEqual(paths.map(HDF5Names.tensorName(forPath:)), ["a..b", ".x", "y."])
    }

    func testSlashIsAGroupSeparator() throws {
        XCTAssertEqual(try HDF5Names.paths(for: ["dense/kernel"], file: "x.h5"), [["dense", "kernel"]])
    }

    func testUnmappableNamesAreRefused() {
        XCTAssertThrowsError(try HDF5Names.paths(for: ["a//b"], file: "x.h5"))
        XCTAssertThrowsError(try HDF5Names.paths(for: [""], file: "x.h5"))
    }

    func testNamesThatMapToOnePathAreRefusedNamingBoth() {
        XCTAssertThrowsError(try HDF5Names.paths(for: ["enc.w", "enc/w"], file: "x.h5")) { error in
            XCTAssertEqual(error as? HDF5Error, .sharedPath(path: "x.h5", tensor: "enc.w", other: "enc/w", object: "/enc/w", asGroup: false))
        }
    }

    func testDatasetWhereAnotherNameNeedsAGroupIsRefusedNamingBoth() {
        XCTAssertThrowsError(try HDF5Names.paths(for: ["a.b", "a/b/c"], file: "x.h5")) { error in
            XCTAssertEqual(error as? HDF5Error, .sharedPath(path: "x.h5", tensor: "a.b", other: "a/b/c", object: "/a/b", asGroup: true))
        }
        XCTAssertThrowsError(try HDF5Names.paths(for: ["a.b.c", "a/b"], file: "x.h5")) { error in
            XCTAssertEqual(error as? HDF5Error, .sharedPath(path: "x.h5", tensor: "a/b", other: "a.b.c", object: "/a/b", asGroup: true))
        }
    }
}
