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

    @Flag(help: "Print JSON for machines.")
    var json = false

    @OptionGroup var reading: ReadingOptions

    func run() throws {
        let store = try reportingErrors { try FormatRegistry.standard.open(path, options: reading.readOptions) }
        let summary = CheckpointSummary(store: store)
        print(json ? try summary.jsonText() : summary.text())
    }
}

/// Read options shared by every command that opens checkpoints.
struct ReadingOptions: ParsableArguments {
    @Option(name: .customLong("assume-v2"), help: "Read untyped NumPy void data ('<V2', '<V1') as this dtype (bf16, f8_e4m3, f8_e5m2).")
    var assumeV2: String?

    @Option(name: .customLong("select"), help: "Read only this key of a nested PyTorch checkpoint (e.g. state_dict, model, ema).")
    var select: String?

    @Option(name: .customLong("strip-prefix"), help: "Remove this prefix from tensor names that start with it (e.g. 'module.').")
    var stripPrefix: String?

    var readOptions: ReadOptions {
        ReadOptions(assumedVoidType: assumeV2.flatMap(DType.init(name:)), selectedKey: select, strippedPrefix: stripPrefix)
    }

    func validate() throws {
        if let assumeV2, DType(name: assumeV2) == nil {
            throw ValidationError("--assume-v2 takes a dtype such as bf16, f8_e4m3 or f8_e5m2, not '\(assumeV2)'")
        }
    }
}
