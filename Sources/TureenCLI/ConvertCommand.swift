import ArgumentParser
import Tureen

/// `tureen convert IN OUT`: any format to any other, optionally casting floating-point tensors.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a checkpoint to another format (picked from OUT's extension, or a folder for sharded safetensors)."
    )

    @Argument(help: "The input checkpoint.")
    var input: String

    @Argument(help: "The output path: .safetensors, .npz, .npy, .h5, or a folder for sharded safetensors.")
    var output: String

    @Option(help: "Cast floating-point tensors to this dtype (f32, bf16, f16, f64, f8_e4m3, f8_e5m2); integers and bools are kept.")
    var dtype: String?

    @OptionGroup var writing: WritingOptions
    @OptionGroup var reading: ReadingOptions

    func validate() throws {
        if let dtype {
            guard let parsed = DType(name: dtype), parsed.isFloatingPoint else {
                throw ValidationError("--dtype takes a floating-point dtype (f32, bf16, f16, f64, f8_e4m3, f8_e5m2), not '\(dtype)'")
            }
        }
    }

    func run() throws {
        var conversion = Conversion(input: input, output: output)
        conversion.castTo = dtype.flatMap(DType.init(name:))
        conversion.writeOptions = try writing.writeOptions()
        conversion.readOptions = reading.readOptions
        conversion.force = writing.force
        let progress = ProgressBar(label: "convert")
        let store = try withExtendedLifetime(progress) {
            defer { progress.finish() }
            return try reportingErrors { try conversion.run(progress: progress.update) }
        }
        if !store.nonTensorValues.isEmpty {
            let names = store.nonTensorValues.prefix(5).map { $0.name.isEmpty ? "(root)" : $0.name }.joined(separator: ", ")
            printToStandardError("left out \(store.nonTensorValues.count) non-tensor values (\(names)\(store.nonTensorValues.count > 5 ? ", …" : "")); `tureen inspect` lists them")
        }
    }
}

/// Output options shared by every command that writes a checkpoint.
struct WritingOptions: ParsableArguments {
    @Option(help: "Write sharded safetensors with shards of at most this size (e.g. 5GB, 500MB).")
    var maxShardSize: String?

    @Flag(help: "Compress the output (npz deflate, HDF5 gzip).")
    var compress = false

    @Option(help: "Output layout for HDF5: 'keras' writes the Keras 3 .weights.h5 layout.")
    var layout: String?

    @Flag(help: "Replace the output if it exists.")
    var force = false

    func writeOptions() throws -> WriteOptions {
        WriteOptions(maxShardSize: try maxShardSize.map(parseShardSize), compress: compress, layout: layout)
    }

    func validate() throws {
        if let maxShardSize { _ = try parseShardSize(maxShardSize) }
    }

    private func parseShardSize(_ text: String) throws -> Int {
        guard let size = ByteSize.parse(text) else {
            throw ValidationError("--max-shard-size takes a size such as 5GB, 500MB or 1000000, not '\(text)'")
        }
        return size
    }
}
