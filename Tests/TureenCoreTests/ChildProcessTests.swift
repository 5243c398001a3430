@testable import TureenCore
import XCTest

/// `ChildProcess`: how a child ended, what it printed, and the time limit.
final class ChildProcessTests: XCTestCase {
    func testCollectsTheOutputAndTheExitStatus() throws {
        let printed = try ChildProcess.run("/bin/sh", arguments: ["-c", "echo layout; exit 3"], timeout: .seconds(10))
        XCTAssertEqual(printed.ending, .exited(3))
        XCTAssertEqual(printed.output, Array("layout\n".utf8))
    }

    func testReportsTheSignalThatKilledTheChild() throws {
        XCTAssertEqual(try ChildProcess.run("/bin/sh", arguments: ["-c", "kill -ABRT $$"], timeout: .seconds(10)).ending, .signalled(SIGABRT))
    }

    func testKillsAChildThatRunsPastTheTimeLimit() throws {
        let started = ContinuousClock.now
        XCTAssertEqual(try ChildProcess.run("/bin/sleep", arguments: ["30"], timeout: .milliseconds(200)).ending, .timedOut)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
    }

    func testAProgramThatDoesNotExistCannotStart() {
        XCTAssertThrowsError(try ChildProcess.run("/nonexistent/tureen", arguments: [], timeout: .seconds(1)))
    }
}
