import ArgumentParser
import Foundation
import Tureen

/// `tureen convert IN OUT`: any format to any other, optionally casting floating-point tensors.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a checkpoint to another format (picked from OUT's extension, or a folder for sharded safetensors)."
    )

    @Argument(help: "The input checkpoint.")
    var input: String

    @Argument(help: "The output path: .safetensors, .npz, .npy, .h5, .pt, .keras (configured as the input .keras), or a folder for sharded safetensors.")
    var output: String

    @Option(help: ArgumentHelp("Cast floating-point tensors to this dtype; integers and bools are kept.", valueName: "dtype"))
    var dtype: FloatingPointDType?

    @OptionGroup var writing: WritingOptions
    @OptionGroup var reading: ReadingOptions
    @OptionGroup var reporting: ReportingOptions

    func run() throws {
        var conversion = Conversion(input: input, output: output)
        conversion.castTo = dtype?.dtype
        conversion.writeOptions = writing.writeOptions
        conversion.readOptions = reading.readOptions
        conversion.force = writing.force
        let started = Date()
        let store = try reporting.progressBar(label: "convert").track { try conversion.run(progress: $0) }
        let outcome = try ConversionOutcome(store: store, output: output, castTo: conversion.castTo, seconds: Date().timeIntervalSince(started))
        if !store.nonTensorValues.isEmpty, !reporting.quiet {
            let names = store.nonTensorValues.prefix(5).map { $0.name.isEmpty ? "(root)" : $0.name }.joined(separator: ", ")
            printToStandardError("left out \(store.nonTensorValues.count) non-tensor values (\(names)\(store.nonTensorValues.count > 5 ? ", …" : "")); `tureen inspect` lists them")
        }
        try reporting.finish(outcome)
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

    var writeOptions: WriteOptions {
        WriteOptions(maxShardSize: maxShardSize, compress: compress, layout: layout)
    }
}
