import ArgumentParser
import Tureen

/// `tureen diff A B … [--base BASE]`: how far apart checkpoints are, per tensor and for the whole
/// model. Exit 1 (with the check report) when they do not share an architecture, 2 when an input
/// cannot be read.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Measure how far checkpoints are apart: L2 distance, max |difference|, relative change and, with --base, the angle between their deltas."
    )

    @Argument(help: "Two or more checkpoints; with more than two, every pair is measured.")
    var inputs: [String]

    @Option(help: "The checkpoint the inputs were fine-tuned from (θ0): adds the cosine of the angle between (θA − θ0) and (θB − θ0).")
    var base: String?

    @OptionGroup var comparing: ComparingOptions

    @OptionGroup var reading: ReadingOptions
    @OptionGroup var threading: ThreadingOptions
    @OptionGroup var reporting: ReportingOptions

    func validate() throws {
        guard inputs.count >= 2 else { throw ValidationError("diff needs two or more checkpoints") }
    }

    func run() throws {
        let opened = try comparing.open(base: base, inputs: inputs, reading: reading)
        let comparison = ArchitectureComparison(inputs: opened.all, dtypePolicy: .floatingPointMayDiffer)
        guard comparison.isCompatible else {
            let report = CheckReport(inputs: opened.all, base: opened.base, comparisons: [comparison], scans: [])
            try reporting.printReport(report, text: report.text())
            throw ExitCode(1)
        }
        let distance = try reporting.progressBar(label: "diff").track { update in
            try CommandFailure.readingInputs {
                try ModelDistance.measure(comparison, basePosition: opened.base == nil ? nil : 0, threads: threading.threads, progress: update)
            }
        }
        let report = DiffReport(distance: distance, renames: comparison.groupedRenames())
        try reporting.printReport(report, text: report.text())
    }
}
