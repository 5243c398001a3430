import ArgumentParser
import Foundation
import Tureen

/// `tureen merge CONFIG.yml -o OUT`: a merge described by a mergekit configuration, on the
/// streaming executor.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge checkpoints as a mergekit YAML configuration says (linear, task_arithmetic, ties, dare_linear, dare_ties, model_stock, slerp).",
        discussion: "Model paths in the configuration are files or folders in any format Tureen reads; relative ones are relative to the current folder, as in mergekit. Docs/merging.md describes each method."
    )

    @Argument(help: "The mergekit configuration (YAML).")
    var config: String

    @Option(name: .shortAndLong, help: "The output checkpoint (.safetensors, .npz, .h5, .pt, .keras configured as the first model, or a folder: a model folder when every input is one, else sharded safetensors).")
    var output: String

    @Option(help: ArgumentHelp("The dtype of floating-point tensors, in place of the configuration's out_dtype or dtype; 'widest' is, per tensor, the narrowest dtype holding every input's values exactly.", valueName: "dtype"))
    var dtype: OutputDTypeRule?

    @Option(name: [.customLong("seed"), .customLong("random-seed")], help: "The seed of DARE's random masks (dare_ties, dare_linear); the same seed gives the same merge whatever the threads.")
    var seed: UInt64 = 0

    @Flag(help: "Print the report as JSON on standard output, with what each tensor's first pass found (Model Stock's t, SLERP's angle; a partitioned task's own tensors only).")
    var json = false

    @OptionGroup var policy: TensorPolicyOptions
    @OptionGroup var partitioning: PartitionOptions

    func run() throws {
        let configuration = try MergeConfiguration.load(path: config)
        var job = MergeJob(configuration: configuration, output: output)
        if let dtype { job.options.outputDType = dtype }
        policy.configure(&job)
        job.seed = seed
        job.partition = try partitioning.resolved()
        let progress = ProgressBar(label: configuration.method.rawValue)
        let started = Date()
        let report = try withExtendedLifetime(progress) {
            defer { progress.finish() }
            return try job.run(progress: progress.update)
        }
        let seconds = Date().timeIntervalSince(started)
        let models = (configuration.baseModel.map { [$0] } ?? []) + configuration.ingredients
        let summary = SoupSummary(report: report.soup, ingredients: models, output: output, seconds: seconds, verbs: ("merged", "merged"))
        printToStandardError(summary.text)
        if let share = report.soup.partition { printToStandardError(PartitionSummary.text(share, output: output)) }
        if json { print(try jsonText(MergeJSONReport(method: configuration.method.rawValue, output: output, seconds: seconds, report: report))) }
    }
}

/// What `tureen merge --json` prints.
struct MergeJSONReport: Encodable {
    let method: String
    let output: String
    let seconds: Double
    let mergedTensors: Int
    let copiedTensors: Int
    let nonFiniteInResult: Int
    /// Per tensor, what the method's first pass found.
    let tensors: [MergedTensorStatistics]

    init(method: String, output: String, seconds: Double, report: MergeJob.Report) {
        self.method = method
        self.output = output
        self.seconds = seconds
        mergedTensors = report.soup.mergedTensors
        copiedTensors = report.soup.copiedTensors
        nonFiniteInResult = report.soup.nonFinite.result
        tensors = report.statistics
    }
}
