import ArgumentParser
import Foundation
import Tureen

/// `tureen convert IN OUT`: any format to any other, optionally casting floating-point tensors.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a checkpoint to another format (picked from OUT's extension; a folder is a model folder when IN is one, else sharded safetensors)."
    )

    @Argument(help: "The input checkpoint.")
    var input: String

    @Argument(help: "The output path: .safetensors, .npz, .npy, .h5, .pt, .keras (configured as the input .keras), or a folder (a model folder when the input is one, else sharded safetensors).")
    var output: String

    @Option(help: ArgumentHelp("Cast floating-point tensors to this dtype; integers and bools are kept.", valueName: "dtype"))
    var dtype: FloatingPointDType?

    @OptionGroup var writing: WritingOptions
    @OptionGroup var partitioning: PartitionOptions
    @OptionGroup var reading: ReadingOptions
    @OptionGroup var reporting: ReportingOptions

    func validate() throws {
        try writing.validate(output: output)
        try partitioning.validate(output: output, writeOptions: writing.writeOptions)
    }

    func run() throws {
        var conversion = Conversion(input: input, output: output)
        conversion.castTo = dtype?.dtype
        conversion.writeOptions = writing.writeOptions
        conversion.readOptions = reading.readOptions
        conversion.force = writing.force
        conversion.modelFolder = writing.modelFolderOptions
        conversion.onNote = { printToStandardError($0) }
        conversion.partition = try partitioning.resolved()
        let started = Date()
        let (store, written, share) = try reporting.progressBar(label: "convert").track { try conversion.runReporting(progress: $0) }
        let seconds = Date().timeIntervalSince(started)
        try reporting.finish(ConversionOutcome(
            store: store, writtenTensors: written, output: output, castTo: conversion.castTo, partition: share, seconds: seconds))
    }
}

/// Output options shared by every command that writes a checkpoint.
struct WritingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write sharded safetensors with shards of at most this size (e.g. 5GB, 500MB, 2GiB).", valueName: "size"),
            transform: ArgumentValue.byteSize)
    var maxShardSize: Int?

    @Flag(help: "Compress the output (npz deflate, HDF5 gzip).")
    var compress = false

    @Option(help: "Output layout for HDF5: 'keras' writes the Keras 3 .weights.h5 layout.")
    var layout: WriteOptions.Layout?

    @Flag(help: "Replace the output if it exists.")
    var force = false

    @Option(help: ArgumentHelp("For a model folder output: take config.json, the tokenizer and the other files from this model folder instead of the first input.", valueName: "folder"))
    var configFrom: String?

    @Flag(help: "Write a model folder although the inputs' config.json differ in more than names and dtypes.")
    var allowConfigDifferences = false

    var writeOptions: WriteOptions {
        WriteOptions(maxShardSize: maxShardSize, compress: compress, layout: layout)
    }

    /// Refuses, as a usage error, `-` as the output (no checkpoint goes to standard output), and an
    /// option that `output`'s format would not act on (`--compress` for safetensors,
    /// `--max-shard-size` for one file); the library refuses the latter too, for its callers.
    func validate(output: String) throws {
        guard output != "-" else {
            throw ValidationError("'-' is not an output: Tureen writes checkpoints to files and folders, not to standard output; give a path")
        }
        guard let unused = FormatRegistry.standard.unusedWriteOption(for: output, options: writeOptions) else { return }
        let flag = switch unused.option {
        case .maxShardSize: "--max-shard-size"
        case .compress: "--compress"
        case .layout: "--layout"
        }
        throw ValidationError("\(unused); leave out \(flag)")
    }

    var modelFolderOptions: ModelFolderOptions {
        ModelFolderOptions(configFrom: configFrom, allowConfigDifferences: allowConfigDifferences)
    }
}
