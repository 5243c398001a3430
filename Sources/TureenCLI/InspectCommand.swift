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
            help: ArgumentHelp(
                "Read untyped void data (NumPy '<V2', '<V1'; HDF5 opaque data without a dtype attribute) as this dtype: bf16 applies to 2-byte data, f8_e4m3 or f8_e5m2 to 1-byte data. Give it twice, once for each width, for files that hold both.",
                valueName: "dtype"))
    var assumeV2: [VoidDType] = []

    @Option(name: .customLong("select"), help: "Read only this key of a nested PyTorch checkpoint (e.g. state_dict, model, ema); refused for formats whose tensors are not nested.")
    var select: String?

    @Option(name: .customLong("strip-prefix"), help: "Remove this prefix from tensor names that start with it (e.g. 'module.'), in any format.")
    var stripPrefix: String?

    var readOptions: ReadOptions {
        ReadOptions(assumedVoidTypes: assumeV2.map(\.dtype), selectedKey: select, strippedPrefix: stripPrefix)
    }

    func validate() throws {
        for (index, later) in assumeV2.enumerated() {
            if let earlier = assumeV2[..<index].first(where: { $0.dtype.byteWidth == later.dtype.byteWidth }) {
                throw ValidationError(
                    "--assume-v2 takes one dtype per width, but \(earlier.dtype.defaultValueDescription) and \(later.dtype.defaultValueDescription) "
                        + "are both for \(later.dtype.byteWidth)-byte data")
            }
        }
    }
}
