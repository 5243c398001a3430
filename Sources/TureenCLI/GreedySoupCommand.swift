import ArgumentParser
import Foundation
import Tureen

/// `tureen soup greedy A B C … --eval 'python3 eval.py {path}' -o OUT`: the greedy soup.
struct GreedySoupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greedy",
        abstract: "Greedy soup: score each ingredient, then add them best first, keeping each one that does not lower the soup's score."
    )

    @Argument(help: "The ingredient checkpoints; ties in score keep this order.")
    var ingredients: [String]

    @Option(help: "The command that scores a checkpoint, with {path} where the candidate file goes; it prints the score (a number, or JSON with \"score\") as its last line.")
    var eval: String

    @Flag(help: "Lower scores are better (a loss).")
    var minimize = false

    @Option(help: "Keep a candidate when its score is 'ge' (at least, the paper's text) or 'gt' (strictly better, the paper's code) than the best so far.")
    var accept: GreedySoupJob.Acceptance = .atLeast

    // Unconditional, so that a negative threshold (`--min-score -0.5`) is a value, not an option.
    @Option(parsing: .unconditional, help: "Leave out ingredients whose own score is below this (above it with --minimize).")
    var minScore: Double?

    @Option(help: "A JSON object of precomputed individual scores, {\"path\": score, …}; only candidate soups are then scored.")
    var scores: String?

    @Flag(help: "Continue an interrupted run: take the scores recorded in the scratch folder's journal.")
    var resume = false

    @OptionGroup var search: SearchSoupArguments

    func validate() throws {
        guard !ingredients.isEmpty else { throw ValidationError("give at least one ingredient") }
        _ = try search.commandTemplate(eval, option: "--eval", placeholders: ["{path}"])
        if let minScore, !minScore.isFinite { throw ValidationError("--min-score takes a finite number") }
    }

    func run() throws {
        do {
            let template = try search.commandTemplate(eval, option: "--eval", placeholders: ["{path}"])
            var job = GreedySoupJob(ingredients: ingredients, output: search.output, evaluator: CommandEvaluator(template: template, timeout: search.evalTimeout))
            job.acceptance = accept
            job.minimize = minimize
            job.minimumScore = minScore
            job.candidateFormat = search.evalFormat
            job.scratchFolder = search.scratch
            job.resume = resume
            job.options = search.soupOptions
            job.writeOptions = search.writing.writeOptions
            job.readOptions = search.reading.readOptions
            job.force = search.writing.force
            job.modelFolder = search.writing.modelFolderOptions
            job.onNote = { printToStandardError($0) }
            if let scores { job.precomputedScores = try GreedySoupJob.loadScores(from: scores, ingredients: ingredients) }
            job.sideInputs = scores.map { [$0] } ?? []
            try checkSideOutput(search.plot, force: search.writing.force, inputs: ingredients + job.sideInputs, outputs: [search.output])
            let started = Date()
            let text = GreedySoupText(minimize: minimize)
            let report = try job.run { event in search.reporting.say(text.line(for: event)) }
            search.reporting.say(text.summary(report, seconds: Date().timeIntervalSince(started)))
            if let plot = search.plot { try writeText(report.svgPlot(), to: plot) }
            if search.reporting.json { print(try jsonText(report)) }
        }
    }
}

extension GreedySoupJob.Acceptance: ExpressibleByArgument {}
