import ArgumentParser
import Foundation
import Tureen

/// `tureen soup learned A B C … --grad 'python3 grad.py {path} {grad}' -o OUT`: the learned soup.
struct LearnedSoupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learned",
        abstract: "Learned soup: mixing weights softmax(α), per tensor or per model, learned by Adam on a held-out loss and its gradient."
    )

    @Argument(help: "The ingredient checkpoints.")
    var ingredients: [String]

    @Option(help: "The command that evaluates a checkpoint, with {path} (the candidate) and {grad} (where it writes ∂loss/∂θ); it prints the loss (a number, or JSON with \"loss\") as its last line.")
    var grad: String

    @Option(help: "Learn one weight vector per floating-point tensor ('tensor') or one for the whole model ('model').")
    var by: LearnedWeights.Granularity = .tensor

    // Unconditional, as the other numbers: `-1` is a value to refuse as such, not an unknown option.
    @Option(parsing: .unconditional, help: "Gradient steps (evaluator calls).")
    var steps = 20

    @Option(parsing: .unconditional, help: "Adam's learning rate.")
    var lr = 0.05

    @Option(help: "The format the command writes gradients in: safetensors, npz or h5 ({grad}'s extension).")
    var gradFormat: CandidateFormat = .safetensors

    @Option(help: "Save the learned weights as JSON here (`tureen soup weighted --weights-file` reads it).")
    var weightsOut: String?

    @OptionGroup var search: SearchSoupArguments

    func validate() throws {
        guard !ingredients.isEmpty else { throw ValidationError("give at least one ingredient") }
        _ = try search.commandTemplate(grad, option: "--grad", placeholders: ["{path}", "{grad}"])
        guard steps >= 1 else { throw ValidationError("--steps takes a positive number of steps, not \(steps)") }
        guard lr > 0, lr.isFinite else { throw ValidationError("--lr takes a positive number, not \(lr)") }
        guard gradFormat != .folder else { throw ValidationError("--grad-format folder: " + LearnedSoupJob.folderGradientsRefusal) }
    }

    func run() throws {
        do {
            let template = try search.commandTemplate(grad, option: "--grad", placeholders: ["{path}", "{grad}"])
            var job = LearnedSoupJob(ingredients: ingredients, output: search.output, evaluator: CommandGradientEvaluator(template: template, timeout: search.evalTimeout))
            job.granularity = by
            job.steps = steps
            job.learningRate = lr
            job.candidateFormat = search.evalFormat
            job.gradientFormat = gradFormat
            job.scratchFolder = search.scratch
            job.weightsOutput = weightsOut
            job.options = search.soupOptions
            job.writeOptions = search.writing.writeOptions
            job.readOptions = search.reading.readOptions
            job.force = search.writing.force
            job.modelFolder = search.writing.modelFolderOptions
            job.onNote = { printToStandardError($0) }
            try checkSideOutput(search.plot, force: search.writing.force, inputs: ingredients, outputs: [search.output] + (weightsOut.map { [$0] } ?? []))
            let started = Date()
            let report = try job.run { step in
                search.reporting.say("step \(step.step): loss \(String(format: "%.6g", step.loss)), weights' entropy \(String(format: "%.4f", step.entropy)) nats")
            }
            search.reporting.say(LearnedSoupText.summary(report, seconds: Date().timeIntervalSince(started)))
            if let plot = search.plot { try writeText(report.svgPlot(), to: plot) }
            if search.reporting.json { print(try jsonText(report)) }
        }
    }
}

extension LearnedWeights.Granularity: ExpressibleByArgument {}
