import Foundation
import TureenTestSupport
import XCTest

/// The runner the command tests share: it drains standard output and standard error together.
final class CommandRunnerTests: XCTestCase {
    func testACommandThatFillsTheErrorPipeBeforePrintingRunsToTheEnd() throws {
        // 1 MiB on standard error, then a line on standard output: read one pipe to its end before the
        // other, the command would wait for ever on the full error pipe and the test on the output.
        let script = "head -c 1048576 /dev/zero | tr '\\0' e >&2; echo done"
        let outcome = try runCommand(URL(fileURLWithPath: "/bin/sh"), ["-c", script], in: makeScratchFolder().path)
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.output, "done\n")
        XCTAssertEqual(outcome.errors.utf8.count, 1 << 20)
    }
}
