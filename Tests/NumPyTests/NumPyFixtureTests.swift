import XCTest
import TureenCore
import TureenTestSupport
@testable import NumPy

/// The files numpy and ml_dtypes wrote (`Fixtures/make_numpy_fixtures.py`) that need no numpy to check.
final class NumPyFixtureTests: XCTestCase {
    private func path(_ name: String) -> String { Fixtures.path("numpy/" + name) }

    func testPositionalArraysKeepNumpysNames() throws {
        let store = try NpzReader().open(path("positional.npz"), options: ReadOptions())
        XCTAssertEqual(store.infos.map(\.description), ["arr_0: F32 [2, 2]", "arr_1: I8 [3]"])
    }

    func testPickledObjectArraysAreRefused() {
        XCTAssertThrowsError(try NpyReader().open(path("objects.npy"), options: ReadOptions())) {
            XCTAssertEqual($0 as? NumPyError, .objectDType(path: self.path("objects.npy"), member: ""))
        }
    }

    func testMLDTypesBF16IsReadOnlyWhenAssumed() throws {
        XCTAssertThrowsError(try NpyReader().open(path("bf16_untyped.npy"), options: ReadOptions())) {
            XCTAssertEqual($0 as? NumPyError, .untypedVoid(path: self.path("bf16_untyped.npy"), member: "", descr: "<V2", byteWidth: 2))
        }
        let store = try NpyReader().open(path("bf16_untyped.npy"), options: ReadOptions(assumedVoidTypes: [.bf16]))
        XCTAssertEqual(store.infos.map(\.description), ["bf16_untyped: BF16 [2, 3]"])
    }

    func testAssumingBF16DoesNotTurnFloat8IntoBF16() {
        XCTAssertThrowsError(try NpzReader().open(path("ml_dtypes_untyped.npz"), options: ReadOptions(assumedVoidTypes: [.bf16]))) {
            XCTAssertEqual($0 as? NumPyError, .untypedVoid(path: self.path("ml_dtypes_untyped.npz"), member: "e4m3.npy", descr: "<V1", byteWidth: 1))
        }
    }

    func testMixedBF16AndFloat8ReadWithOneAssumedDTypePerWidth() throws {
        let store = try NpzReader().open(path("ml_dtypes_untyped.npz"), options: ReadOptions(assumedVoidTypes: [.bf16, .f8E4M3]))
        XCTAssertEqual(Set(store.infos.map(\.dtype)), [.bf16, .f8E4M3])
    }
}
