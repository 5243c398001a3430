import Foundation
import Soup
import TureenCore
import Tureen
import TureenTestSupport
import XCTest

/// The greedy soup with an in-process evaluator that scores a soup by its members.
final class GreedySoupJobTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = try makeScratchFolder().path
    }

    /// `count` ingredients: a one-hot `member` tensor, a `payload` (bf16 unless said) and an integer tensor.
    private func ingredients(_ count: Int, payload: Int = 3000, payloadType: DType = .bf16) throws -> [String] {
        try (0..<count).map { index in
            let path = folder + "/ingredient\(index).safetensors"
            let member = (0..<count).map { Float($0 == index ? 1 : 0) }
            let values = (0..<payload).map { sin(Double($0 * (index + 2))) * Double(1 << ($0 % 9)) }
            try Checkpoints.write(path, [
                ("member", .f32, [count], TensorBytes.f32(member)),
                ("payload", payloadType, [payload], TensorBytes.encode(values, as: payloadType)),
                ("position_ids", .i64, [3], TensorBytes.i64([0, 1, 2])),
            ])
            return path
        }
    }

    private func job(_ paths: [String], _ evaluator: MembershipEvaluator) -> GreedySoupJob {
        GreedySoupJob(ingredients: paths, output: folder + "/soup.safetensors", evaluator: evaluator)
    }

    private func uniform(_ paths: [String], to output: String) throws -> Data {
        _ = try SoupJob(ingredients: paths, recipe: try .uniform(count: paths.count), output: output).run()
        return FileManager.default.contents(atPath: output)!
    }

    /// Scores from a table of member sets; anything else scores 0.
    private func table(_ scores: [Set<Int>: Double]) -> @Sendable (Set<Int>) throws -> Double {
        { scores[$0] ?? 0 }
    }

    func testGreedyKeepsIngredientWhenScoreTies() throws {
        let paths = try ingredients(3)
        let evaluator = MembershipEvaluator(table: table([[0]: 0.5, [1]: 0.7, [2]: 0.6, [1, 2]: 0.7, [0, 1, 2]: 0.69]))
        let report = try job(paths, evaluator).run()
        XCTAssertEqual(report.kept, [paths[1], paths[2]])
        XCTAssertEqual(report.steps.map(\.kept), [true, true, false])
        XCTAssertEqual(report.finalScore, 0.7)
        XCTAssertEqual(evaluator.log.all, ["0", "1", "2", "1,2", "0,1,2"])
    }

    func testStrictAcceptanceRejectsATie() throws {
        let paths = try ingredients(3)
        let evaluator = MembershipEvaluator(table: table([[0]: 0.5, [1]: 0.7, [2]: 0.6, [1, 2]: 0.7, [0, 1]: 0.71]))
        var greedy = job(paths, evaluator)
        greedy.acceptance = .strictlyBetter
        let report = try greedy.run()
        XCTAssertEqual(report.kept, [paths[1], paths[0]])
        XCTAssertEqual(report.steps.map(\.candidateScore), [0.7, 0.7, 0.71])
        XCTAssertEqual(report.steps.map(\.kept), [true, false, true])
    }

    func testIngredientsThatScoreAlikeKeepTheCommandLineOrder() throws {
        let paths = try ingredients(3)
        let evaluator = MembershipEvaluator(table: table([[0]: 0.5, [1]: 0.5, [2]: 0.5]))
        let report = try job(paths, evaluator).run()
        XCTAssertEqual(report.steps.map(\.ingredient), paths)
        XCTAssertEqual(report.bestIndividual.path, paths[0])
    }

    func testWhenEveryCandidateIsRejectedTheBestIngredientIsTheSoup() throws {
        let paths = try ingredients(4)
        let evaluator = MembershipEvaluator(table: table([[0]: 0.1, [1]: 0.4, [2]: 0.3, [3]: 0.2]))
        let report = try job(paths, evaluator).run()
        XCTAssertEqual(report.kept, [paths[1]])
        XCTAssertEqual(report.finalScore, 0.4)
        XCTAssertEqual(report.evaluatorCalls, 2 * 4 - 1)
        XCTAssertEqual(evaluator.log.all.count, 7)
        XCTAssertEqual(FileManager.default.contents(atPath: folder + "/soup.safetensors"), try uniform([paths[1]], to: folder + "/one.safetensors"))
    }

    func testOneIngredientIsScoredOnceAndIsTheSoup() throws {
        let paths = try ingredients(1)
        let evaluator = MembershipEvaluator(table: table([[0]: 0.3]))
        let report = try job(paths, evaluator).run()
        XCTAssertEqual(report.evaluatorCalls, 1)
        XCTAssertEqual(report.steps.count, 1)
        XCTAssertEqual(FileManager.default.contents(atPath: folder + "/soup.safetensors"), try uniform(paths, to: folder + "/one.safetensors"))
    }

    func testCandidatesAndTheResultAreTheUniformSoupsOfTheirIngredients() throws {
        try assertCandidatesAreUniformSoups(payloadType: .bf16)
    }

    func testCandidatesFromRunningSumFilesAreTheUniformSoupsToo() throws {
        // f32 ingredients fill a Float64 sum's bytes two at a time, so most passes write a sum file.
        try assertCandidatesAreUniformSoups(payloadType: .f32)
    }

    private func assertCandidatesAreUniformSoups(payloadType: DType) throws {
        let paths = try ingredients(5, payloadType: payloadType)
        let captured = folder + "/captured"
        try FileManager.default.createDirectory(atPath: captured, withIntermediateDirectories: true)
        var evaluator = MembershipEvaluator(table: table([
            [0]: 0.3, [1]: 0.4, [2]: 0.2, [3]: 0.1, [4]: 0.05, [1, 0]: 0.5, [1, 0, 2]: 0.45, [0, 1, 3]: 0.55, [0, 1, 3, 4]: 0.6,
        ]))
        evaluator.capture = captured
        let report = try job(paths, evaluator).run()
        XCTAssertEqual(report.kept, [paths[1], paths[0], paths[3], paths[4]])
        // Calls 0–4 score the ingredients; calls 5–8 the candidates of steps 1–4.
        var kept = [paths[1]]
        for step in report.steps.dropFirst() {
            let members = kept + [step.ingredient]
            let candidate = FileManager.default.contents(atPath: captured + "/call-\(4 + step.step).safetensors")
            XCTAssertEqual(candidate, try uniform(members, to: folder + "/reference-\(step.step).safetensors"), "step \(step.step)")
            if step.kept { kept = members }
        }
        XCTAssertEqual(FileManager.default.contents(atPath: folder + "/soup.safetensors"), try uniform(report.kept, to: folder + "/reference.safetensors"))
    }

    func testAResultInAnotherFormatIsWrittenFromTheRunningSum() throws {
        let paths = try ingredients(3)
        let evaluator = MembershipEvaluator(table: table([[0]: 0.3, [1]: 0.4, [2]: 0.2, [0, 1]: 0.5, [0, 1, 2]: 0.6]))
        var greedy = job(paths, evaluator)
        greedy.output = folder + "/soup.npz"
        greedy.options.outputDType = .fixed(.f32)
        let report = try greedy.run()
        XCTAssertEqual(report.kept, [paths[1], paths[0], paths[2]])
        var reference = SoupJob(ingredients: report.kept, recipe: try .uniform(count: 3), output: folder + "/reference.npz")
        reference.options.outputDType = .fixed(.f32)
        _ = try reference.run()
        XCTAssertEqual(try Checkpoints.values(folder + "/soup.npz"), try Checkpoints.values(folder + "/reference.npz"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/soup.npz.scratch"), "the scratch folder goes when the run ends")
    }

    func testLowerScoresWinWhenMinimising() throws {
        let paths = try ingredients(3)
        let evaluator = MembershipEvaluator(table: table([[0]: 0.5, [1]: 0.2, [2]: 0.3, [1, 2]: 0.25, [0, 1]: 0.1]))
        var greedy = job(paths, evaluator)
        greedy.minimize = true
        let report = try greedy.run()
        XCTAssertEqual(report.steps.map(\.ingredient), [paths[1], paths[2], paths[0]])
        XCTAssertEqual(report.kept, [paths[1], paths[0]])
        XCTAssertEqual(report.finalScore, 0.1)
    }

    func testMinimumScoreLeavesOutWeakIngredients() throws {
        let paths = try ingredients(3)
        let evaluator = MembershipEvaluator(table: table([[0]: 0.5, [1]: 0.2, [2]: 0.6, [0, 2]: 0.7]))
        var greedy = job(paths, evaluator)
        greedy.minimumScore = 0.4
        let report = try greedy.run()
        XCTAssertEqual(report.individuals.map(\.leftOut), [false, true, false])
        XCTAssertEqual(report.steps.map(\.ingredient), [paths[2], paths[0]])
        XCTAssertEqual(report.evaluatorCalls, 4)
        greedy.minimumScore = 0.9
        greedy.force = true
        XCTAssertThrowsError(try greedy.run()) { error in
            XCTAssertTrue("\(error)".contains("at least 0.9"), "\(error)")
            XCTAssertTrue("\(error)".contains("0.6"), "\(error)")
        }
    }

    func testPrecomputedScoresSpareTheIndividualEvaluations() throws {
        let paths = try ingredients(3)
        let scoresFile = folder + "/scores.json"
        try JSONSerialization.data(withJSONObject: [paths[0]: 0.5, paths[1]: 0.7, paths[2]: 0.6, "elsewhere.safetensors": 1]).write(to: URL(fileURLWithPath: scoresFile))
        let evaluator = MembershipEvaluator(table: table([[1, 2]: 0.8, [0, 1, 2]: 0.9]))
        var greedy = job(paths, evaluator)
        greedy.precomputedScores = try GreedySoupJob.loadScores(from: scoresFile, ingredients: paths)
        let report = try greedy.run()
        XCTAssertEqual(evaluator.log.all, ["1,2", "0,1,2"])
        XCTAssertEqual(report.individuals.map(\.source), [.precomputed, .precomputed, .precomputed])
        XCTAssertEqual(report.kept.count, 3)
        XCTAssertThrowsError(try GreedySoupJob.loadScores(from: scoresFile, ingredients: paths + [folder + "/other.safetensors"])) { error in
            XCTAssertTrue("\(error)".contains("other.safetensors"), "\(error)")
        }
    }

    func testAFailingEvaluatorNamesTheCandidateAndLeavesOnlyTheJournal() throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "the evaluator broke" } }
        let paths = try ingredients(3)
        let evaluator = MembershipEvaluator(table: { members in
            guard members.count < 2 else { throw Broken() }
            return Double(members.first!)
        })
        XCTAssertThrowsError(try job(paths, evaluator).run()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("candidate 1"), text)
            XCTAssertTrue(text.contains("ingredient2.safetensors + \(self.folder!)/ingredient1.safetensors"), text)
            XCTAssertTrue(text.contains("the evaluator broke"), text)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/soup.safetensors"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder + "/soup.safetensors.scratch"), [GreedySoupJob.journalName])
    }

    func testAResumedRunScoresOnlyWhatTheInterruptedOneDidNot() throws {
        let paths = try ingredients(4)
        let scores: [Set<Int>: Double] = [[0]: 0.3, [1]: 0.4, [2]: 0.2, [3]: 0.1, [0, 1]: 0.5, [0, 1, 2]: 0.45, [0, 1, 3]: 0.55]
        let uninterrupted = MembershipEvaluator(table: table(scores))
        var reference = job(paths, uninterrupted)
        reference.output = folder + "/reference.safetensors"
        reference.scratchFolder = folder + "/reference-scratch"
        let expected = try reference.run()
        // The first run dies at its sixth call (the second candidate).
        let failing = MembershipEvaluator(table: { members in
            if members == [0, 1, 2] { throw CocoaError(.userCancelled) }
            return scores[members] ?? 0
        })
        XCTAssertThrowsError(try job(paths, failing).run())
        let resumedEvaluator = MembershipEvaluator(table: table(scores))
        var resumed = job(paths, resumedEvaluator)
        resumed.resume = true
        let report = try resumed.run()
        XCTAssertEqual(resumedEvaluator.log.all, ["0,1,2", "0,1,3"])
        XCTAssertEqual(report.individuals.map(\.source), [.journal, .journal, .journal, .journal])
        XCTAssertEqual(report.steps.map(\.source), [.journal, .journal, .evaluated, .evaluated])
        XCTAssertEqual(report.kept, expected.kept)
        XCTAssertEqual(FileManager.default.contents(atPath: folder + "/soup.safetensors"), FileManager.default.contents(atPath: folder + "/reference.safetensors"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/soup.safetensors.scratch"))
    }

    func testWithoutResumeAnEarlierJournalIsRefusedNotEmptied() throws {
        let paths = try ingredients(2)
        let failing = MembershipEvaluator(table: { members in
            if members.count == 2 { throw CocoaError(.userCancelled) }
            return 0.5
        })
        XCTAssertThrowsError(try job(paths, failing).run())
        let journal = folder + "/soup.safetensors.scratch/" + GreedySoupJob.journalName
        let scores = try String(contentsOfFile: journal, encoding: .utf8)
        let again = MembershipEvaluator(table: table([[0]: 0.5, [1]: 0.5, [0, 1]: 0.5]))
        XCTAssertThrowsError(try job(paths, again).run()) { XCTAssertTrue("\($0)".contains("holds the scores of an earlier run"), "\($0)") }
        XCTAssertEqual(again.log.all, [], "nothing is scored")
        XCTAssertEqual(try String(contentsOfFile: journal, encoding: .utf8), scores)
        try FileManager.default.removeItem(atPath: journal)
        _ = try job(paths, again).run()
        XCTAssertEqual(again.log.all, ["0", "1", "0,1"])
    }

    func testAResumedRunReadingTheIngredientsOtherwiseScoresThemAgain() throws {
        // Regression: the journal's key left out how the ingredients are read (`--select`,
        // `--strip-prefix`), so a resumed run took the scores of other tensors.
        let paths = try ingredients(2)
        let failing = MembershipEvaluator(table: { members in
            if members.count == 2 { throw CocoaError(.userCancelled) }
            return 0.5
        })
        var first = job(paths, failing)
        first.readOptions = ReadOptions(strippedPrefix: "pay")
        XCTAssertThrowsError(try first.run())
        let again = MembershipEvaluator(table: table([[0]: 0.5, [1]: 0.5, [0, 1]: 0.5]))
        var resumed = job(paths, again)
        resumed.resume = true
        let notes = CallLog()
        resumed.onNote = { notes.append($0) }
        let report = try resumed.run()
        XCTAssertEqual(again.log.all, ["0", "1", "0,1"])
        XCTAssertEqual(report.individuals.map(\.source), [.evaluated, .evaluated])
        // Regression: the journal's scores were dropped without a word.
        XCTAssertEqual(notes.all.count, 1)
        XCTAssertTrue(notes.all.first?.contains("holds 2 scores of a run with another --eval command (compared as text) or other candidate settings") == true, "\(notes.all)")
    }

    func testResumeWithoutAJournalReplacesNoFileInTheScratchFolder() throws {
        // Regression: `--resume` with no journal took the user's files at the candidates' names for
        // an interrupted run's leftovers, replaced them, then removed them.
        let paths = try ingredients(2)
        let scratch = folder + "/scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: false)
        let precious = scratch + "/candidate-1.safetensors"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: precious))
        var resumed = job(paths, MembershipEvaluator(table: table([[0]: 0.5, [1]: 0.5, [0, 1]: 0.5])))
        resumed.scratchFolder = scratch
        resumed.resume = true
        XCTAssertThrowsError(try resumed.run()) { XCTAssertTrue("\($0)".contains(precious), "\($0)") }
        XCTAssertEqual(FileManager.default.contents(atPath: precious), Data("precious".utf8))
    }

    func testAJournalLineLackingOnlyItsNewlineIsKept() throws {
        // Regression: a complete last line without its newline was used, then cut from the journal.
        let paths = try ingredients(3)
        let failing = MembershipEvaluator(table: { members in
            if members.count == 2 { throw CocoaError(.userCancelled) }
            return Double(members.first!)
        })
        XCTAssertThrowsError(try job(paths, failing).run())
        let journal = folder + "/soup.safetensors.scratch/" + GreedySoupJob.journalName
        var lines = try Data(contentsOf: URL(fileURLWithPath: journal))
        XCTAssertEqual(lines.removeLast(), UInt8(ascii: "\n"))
        try lines.write(to: URL(fileURLWithPath: journal))
        // A resumed run that fails again keeps every score, the last one included, on its own line.
        var resumed = job(paths, failing)
        resumed.resume = true
        XCTAssertThrowsError(try resumed.run())
        let kept = try String(contentsOfFile: journal, encoding: .utf8)
        XCTAssertEqual(kept.split(separator: "\n").count, 3, kept)
        XCTAssertTrue(kept.hasSuffix("\n"))
    }

    func testASecondSearchIsRefusedTheScratchFolderOfARunningOne() throws {
        // Regression: two searches given one --scratch replaced and removed each other's candidates.
        let paths = try ingredients(2)
        let scratch = folder + "/shared-scratch"
        let secondOutput = folder + "/second.safetensors"
        let refusal = CallLog()
        let evaluator = MembershipEvaluator(table: { members in
            if members == [0] {
                var second = GreedySoupJob(ingredients: paths, output: secondOutput, evaluator: MembershipEvaluator(table: { _ in 1 }))
                second.scratchFolder = scratch
                second.resume = true
                do { _ = try second.run() } catch { refusal.append("\(error)") }
            }
            return 0.5
        })
        var first = job(paths, evaluator)
        first.scratchFolder = scratch
        _ = try first.run()
        XCTAssertEqual(refusal.all, ["\(scratch) is the scratch folder of another soup search running now; give this one another --scratch, or wait for that one to end"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: secondOutput))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/soup.safetensors"))
    }

    func testANonFiniteScoreStopsTheRun() throws {
        let paths = try ingredients(2)
        let evaluator = MembershipEvaluator(table: { $0 == [1] ? .nan : 0.5 })
        XCTAssertThrowsError(try job(paths, evaluator).run()) { error in
            XCTAssertTrue("\(error)".contains("ingredient \(paths[1])"), "\(error)")
            XCTAssertTrue("\(error)".contains("nan"), "\(error)")
        }
    }

    func testIncompatibleIngredientsAreRefusedBeforeAnythingIsScored() throws {
        let paths = try ingredients(2)
        let other = folder + "/other.safetensors"
        try Checkpoints.write(other, [("member", .f32, [3], TensorBytes.f32([0, 0, 1]))])
        let evaluator = MembershipEvaluator(table: table([:]))
        XCTAssertThrowsError(try job(paths + [other], evaluator).run()) { XCTAssertTrue("\($0)".contains("architecture"), "\($0)") }
        XCTAssertEqual(evaluator.log.all, [])
    }
}
