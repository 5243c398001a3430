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

    @OptionGroup var policy: TensorPolicyOptions
    @OptionGroup var partitioning: PartitionOptions
    /// With `--json`, the report holds what each tensor's first pass found (Model Stock's t, SLERP's
    /// angle; a partitioned task's own tensors only).
    @OptionGroup var reporting: ReportingOptions

    func validate() throws {
        try policy.writing.validate(output: output)
        try partitioning.validate(output: output, writeOptions: policy.writing.writeOptions)
    }

    func run() throws {
        let configuration = try MergeConfiguration.load(path: config)
        var job = MergeJob(configuration: configuration, output: output)
        if let dtype { job.options.outputDType = dtype }
        policy.configure(&job)
        job.seed = seed
        job.partition = try partitioning.resolved()
        let started = Date()
        let report = try reporting.progressBar(label: configuration.method.rawValue).track { try job.run(progress: $0) }
        let seconds = Date().timeIntervalSince(started)
        let planned = report.plannedModels
        let summary = SoupSummary(
            report: report.soup, ingredients: planned.ingredients, base: planned.base, output: output, seconds: seconds, verbs: ("merged", "merged"))
        try reporting.finish(MergeJSONReport(method: configuration.method.rawValue, output: output, seconds: seconds, report: report, summary: summary))
    }
}

/// What `tureen merge` reports: the soup's summary lines for people, and with `--json` this.
struct MergeJSONReport: CommandOutcome {
    let method: String
    let output: String
    let seconds: Double
    let mergedTensors: Int
    let copiedTensors: Int
    let nonFiniteInResult: Int
    /// Per tensor, what the method's first pass found (a partitioned task's own tensors only).
    let tensors: [MergedTensorStatistics]
    /// What a partitioned task wrote; absent without `--partition`.
    let partition: PartitionSummary?
    private let summary: SoupSummary

    var summaryLine: String { summary.summaryLine }
    var notes: [String] { summary.notes }

    private enum CodingKeys: String, CodingKey {
        case method, output, seconds, mergedTensors, copiedTensors, nonFiniteInResult, tensors, partition
    }

    init(method: String, output: String, seconds: Double, report: MergeJob.Report, summary: SoupSummary) {
        self.method = method
        self.output = output
        self.seconds = seconds
        mergedTensors = report.soup.mergedTensors
        copiedTensors = report.soup.copiedTensors
        nonFiniteInResult = report.soup.nonFinite.result
        tensors = report.statistics
        partition = summary.partition
        self.summary = summary
    }
}
