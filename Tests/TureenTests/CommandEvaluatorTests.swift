#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Tureen
import TureenTestSupport
import XCTest

/// The command evaluator: how a command line is split and run, and how its output is read.
final class CommandEvaluatorTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = try makeScratchFolder().path
    }

    /// An executable shell script with `body`; returns its path.
    private func script(_ body: String) throws -> String {
        let path = folder + "/eval-\(UUID().uuidString).sh"
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    private func evaluator(_ body: String, timeout: Double? = nil) throws -> CommandEvaluator {
        CommandEvaluator(template: try CommandTemplate("\(try script(body)) {path}", placeholders: ["{path}"]), timeout: timeout)
    }

    func testTheScoreIsTheLastNonEmptyLineOfStdout() throws {
        XCTAssertEqual(try evaluator("echo loading; echo 0.75; echo; echo '  '").score(checkpointAt: "x"), 0.75)
        XCTAssertEqual(try evaluator("echo '{\"accuracy\": 0.9, \"score\": -1.5e-3}'").score(checkpointAt: "x"), -1.5e-3)
    }

    func testTheCandidatePathIsOneArgumentWhateverItHolds() throws {
        let path = folder + "/a candidate's file; $(rm -rf x).safetensors"
        let evaluator = try evaluator("[ \"$1\" = \"\(path.replacing("$", with: "\\$"))\" ] && [ $# -eq 1 ] && echo 1 || echo 0")
        XCTAssertEqual(try evaluator.score(checkpointAt: path), 1)
    }

    func testTemplatesSplitLikeAShellAndNeedTheirPlaceholder() throws {
        let template = try CommandTemplate(#"python3 'my eval.py' "--name=a \"b\"" --model={path} x\ y"#, placeholders: ["{path}"])
        XCTAssertEqual(template.arguments(["{path}": "/a b/c"]), ["python3", "my eval.py", #"--name=a "b""#, "--model=/a b/c", "x y"])
        XCTAssertThrowsError(try CommandTemplate("python3 eval.py", placeholders: ["{path}"])) {
            XCTAssertEqual($0 as? CommandTemplate.Problem, .missingPlaceholder(template: "python3 eval.py", placeholder: "{path}"))
        }
        XCTAssertThrowsError(try CommandTemplate("python3 'eval.py {path}", placeholders: ["{path}"])) {
            XCTAssertEqual($0 as? CommandTemplate.Problem, .unbalancedQuotes(template: "python3 'eval.py {path}"))
        }
        XCTAssertThrowsError(try CommandTemplate("python3 grad.py {path}", placeholders: ["{path}", "{grad}"]))
    }

    func testAShellRunsTheTemplateWhenAskedWithQuotedPaths() throws {
        let template = try CommandTemplate("printf %s {path} | wc -c", usesShell: true, placeholders: ["{path}"])
        XCTAssertEqual(try CommandEvaluator(template: template).score(checkpointAt: "it's 9"), 6)
    }

    func testTheCommandSeesTheCallersEnvironment() throws {
        setenv("TUREEN_TEST_SCORE", "0.125", 1)
        defer { unsetenv("TUREEN_TEST_SCORE") }
        XCTAssertEqual(try evaluator("echo $TUREEN_TEST_SCORE").score(checkpointAt: "x"), 0.125)
    }

    func testAFailingCommandShowsTheEndOfItsStderr() throws {
        XCTAssertThrowsError(try evaluator("echo 0.5; for i in $(seq 1 30); do echo line $i >&2; done; echo 'Traceback: boom' >&2; exit 3").score(checkpointAt: "x")) { error in
            guard case let .failed(_, status, standardError)? = error as? EvaluatorError else { return XCTFail("\(error)") }
            XCTAssertEqual(status, 3)
            XCTAssertTrue(standardError.contains("Traceback: boom"))
            let text = "\(error)"
            XCTAssertTrue(text.contains("exited with status 3"), text)
            XCTAssertTrue(text.contains("| Traceback: boom"), text)
            XCTAssertTrue(text.contains("| line 30"), text)
            XCTAssertFalse(text.contains("| line 5\n"), "only the end of stderr is shown: \(text)")
        }
    }

    func testACommandThatPrintsNoScoreOrNaNIsAnError() throws {
        XCTAssertThrowsError(try evaluator("echo warming up >&2").score(checkpointAt: "x")) { error in
            XCTAssertTrue("\(error)".contains("printed nothing on stdout"), "\(error)")
            XCTAssertTrue("\(error)".contains("warming up"), "\(error)")
        }
        XCTAssertThrowsError(try evaluator("echo accuracy: 0.9").score(checkpointAt: "x")) { error in
            XCTAssertTrue("\(error)".contains("'accuracy: 0.9'"), "\(error)")
        }
        XCTAssertThrowsError(try evaluator("echo '{\"accuracy\": 0.9}'").score(checkpointAt: "x"))
        XCTAssertThrowsError(try evaluator("echo nan").score(checkpointAt: "x")) { error in
            guard case .nonFinite? = error as? EvaluatorError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try evaluator("echo inf").score(checkpointAt: "x"))
    }

    func testACommandPastItsTimeLimitIsEndedWithItsChildren() throws {
        let pids = folder + "/pids"
        let started = Date()
        XCTAssertThrowsError(try evaluator("sleep 30 & echo $! > \(pids); echo started >&2; wait", timeout: 0.5).score(checkpointAt: "x")) { error in
            guard case let .timedOut(_, seconds, standardError)? = error as? EvaluatorError else { return XCTFail("\(error)") }
            XCTAssertEqual(seconds, 0.5)
            XCTAssertTrue(standardError.contains("started"))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        let sleeper = pid_t(try String(contentsOfFile: pids, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))!
        XCTAssertTrue(Self.hasEnded(sleeper), "the command's own children are ended too")
    }

    /// Whether `pid` is gone or a zombie waiting for its new parent, within a second.
    private static func hasEnded(_ pid: pid_t) -> Bool {
        for _ in 0..<100 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            if stat.split(separator: ")").last?.split(separator: " ").first == "Z" { return true }
            usleep(10_000)
        }
        return false
    }

    func testACommandThatLeavesAChildHoldingItsOutputStillFinishes() throws {
        let started = Date()
        XCTAssertEqual(try evaluator("(sleep 3 &); echo 0.5").score(checkpointAt: "x"), 0.5)
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.5)
    }

    func testLotsOfOutputOnBothStreamsDoesNotStallTheCommand() throws {
        let evaluator = try evaluator("head -c 3000000 /dev/zero | tr '\\0' x; echo; head -c 3000000 /dev/zero | tr '\\0' y >&2; echo 0.25")
        XCTAssertEqual(try evaluator.score(checkpointAt: "x"), 0.25)
    }

    func testAProgramThatCannotStartIsNamed() throws {
        let evaluator = CommandEvaluator(template: try CommandTemplate("/nonexistent/eval {path}", placeholders: ["{path}"]))
        XCTAssertThrowsError(try evaluator.score(checkpointAt: "x")) { error in
            XCTAssertTrue("\(error)".contains("cannot start `/nonexistent/eval x`"), "\(error)")
        }
    }
}
