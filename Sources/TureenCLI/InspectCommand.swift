import ArgumentParser
import Foundation
import Tureen

/// `tureen inspect PATH`: lists a checkpoint's tensors, totals and metadata.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List a checkpoint's tensors (dtype, shape, bytes), totals and metadata."
    )

    @Argument(help: "A checkpoint file, a sharded folder or an index.json.")
    var path: String

    @OptionGroup var reading: ReadingOptions
    @OptionGroup var reporting: ReportingOptions

    func run() throws {
        let store = try FormatRegistry.standard.open(path, options: reading.readOptions)
        let summary = CheckpointSummary(store: store)
        try reporting.printReport(summary, text: summary.text())
    }
}

/// Read options shared by every command that opens checkpoints.
struct ReadingOptions: ParsableArguments {
    @Option(name: .customLong("assume-v2"),
            help: ArgumentHelp("Read untyped void data (NumPy '<V2', '<V1'; HDF5 opaque data without a dtype attribute) as this dtype.", valueName: "dtype"))
    var assumeV2: VoidDType?

    @Option(name: .customLong("select"), help: "Read only this key of a nested PyTorch checkpoint (e.g. state_dict, model, ema).")
    var select: String?

    @Option(name: .customLong("strip-prefix"), help: "Remove this prefix from tensor names that start with it (e.g. 'module.').")
    var stripPrefix: String?

    var readOptions: ReadOptions {
        ReadOptions(assumedVoidType: assumeV2?.dtype, selectedKey: select, strippedPrefix: stripPrefix)
    }
}
