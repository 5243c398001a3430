import ArgumentParser
import Tureen

/// `tureen check A B …`: do these checkpoints share an architecture? Exit 0 if so, 1 if not,
/// 2 if an input cannot be read.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that checkpoints share an architecture (tensor names, shapes, dtypes; float tensors stored in different precisions are the same architecture unless --strict-dtype); exit 0 if they do, 1 if not, 2 if an input cannot be read."
    )

    @Argument(help: "The checkpoints to compare (files, sharded folders or index.json files).")
    var inputs: [String]

    @Option(help: "Check every input against this checkpoint instead of all inputs against each other.")
    var against: String?

    @OptionGroup var comparing: ComparingOptions

    @Flag(help: "Count float tensors stored in different dtypes (f32 against bf16) as different architectures too; by default they are the same architecture stored in different precisions.")
    var strictDtype = false

    @Flag(help: "Also report NaN/Inf counts, min, max, mean and std of every tensor, and flag all-zero tensors.")
    var scan = false

    @OptionGroup var reading: ReadingOptions
    @OptionGroup var threading: ThreadingOptions
    @OptionGroup var reporting: ReportingOptions

    func validate() throws {
        let count = inputs.count + (against == nil ? 0 : 1)
        guard count >= 2 || (scan && count == 1) else {
            throw ValidationError("check needs two or more checkpoints (or one with --scan, or one with --against BASE)")
        }
    }

    func run() throws {
        let opened = try comparing.open(base: against, inputs: inputs, reading: reading)
        let policy: ArchitectureComparison.DTypePolicy = strictDtype ? .exact : .floatingPointMayDiffer
        let comparisons: [ArchitectureComparison]
        if opened.base != nil {
            comparisons = opened.inputs.map { ArchitectureComparison(inputs: [opened.all[0], $0], dtypePolicy: policy) }
        } else {
            comparisons = [ArchitectureComparison(inputs: opened.all, dtypePolicy: policy)]
        }
        var scans: [(ComparedInput, [TensorScan])] = []
        if scan {
            let total = opened.all.reduce(0) { $0 + $1.store.totalByteCount }
            var done = 0
            try reporting.progressBar(label: "scan").track { update in
                for input in opened.all {
                    let result = try CommandFailure.readingInputs {
                        try TensorScan.scan(input.store, threads: threading.threads) { bytes, _ in update(done + bytes, total) }
                    }
                    done += input.store.totalByteCount
                    scans.append((input, result))
                }
            }
        }
        let report = CheckReport(inputs: opened.all, base: opened.base, comparisons: comparisons, scans: scans)
        try reporting.printReport(report, text: report.text())
        if !report.compatible { throw ExitCode(1) }
    }
}
