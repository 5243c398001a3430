import TureenCore
import TureenTestSupport
import XCTest
@testable import HDF5

/// The preflight hook (issue 11, item 7): none by default in a library, consulted before libhdf5
/// opens a file, and a child process that crashes or hangs is an error naming the file.
final class HDF5PreflightTests: XCTestCase {
    private let fixture = Fixtures.path("hdf5/keras3.weights.h5")

    override func tearDown() { HDF5Preflight.check = nil }

    func testALibraryRunsNoPreflightUntilOneIsInstalled() throws {
        XCTAssertNil(HDF5Preflight.check)
        XCTAssertEqual(try HDF5Reader().open(fixture, options: ReadOptions()).tensors.count, 8)
    }

    func testAnInstalledCheckRunsBeforeTheFileIsOpened() {
        HDF5Preflight.check = { path, _ in throw HDF5Error.preflightFailed(path: path, detail: "refused by the test") }
        XCTAssertThrowsError(try HDF5Reader().open(fixture, options: ReadOptions())) { error in
            XCTAssertEqual(error as? HDF5Error, .preflightFailed(path: fixture, detail: "refused by the test"))
        }
    }

    func testAChildThatCrashesOrHangsIsAnErrorNamingTheFile() {
        let crashing = HDF5Preflight.childProcess(command: ["/bin/sh", "-c", "kill -SEGV $$", "sh"])
        XCTAssertThrowsError(try crashing(fixture, nil)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(fixture): libhdf5 could not parse this file: libhdf5 crashed"), "\(error)")
            XCTAssertTrue("\(error)".contains("signal 11"), "\(error)")
        }
        let hanging = HDF5Preflight.childProcess(command: ["/bin/sh", "-c", "sleep 30", "sh"], timeout: .milliseconds(200))
        XCTAssertThrowsError(try hanging(fixture, nil)) { XCTAssertTrue("\($0)".contains("did not finish"), "\($0)") }
    }

    func testAChildThatRefusesTheFileCleanlyLeavesTheErrorToTheOpenInThisProcess() throws {
        XCTAssertNoThrow(try HDF5Preflight.childProcess(command: ["/bin/sh", "-c", "exit 1", "sh"])(fixture, nil))
        XCTAssertTrue(try HDF5Preflight.layoutReport(of: fixture).hasSuffix("\nok\n"))
    }
}
