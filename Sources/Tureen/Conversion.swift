import TureenCore

/// Converts a checkpoint from any readable format to any writable one, optionally casting
/// floating-point tensors; streams chunk by chunk with flat memory.
public struct Conversion {
    /// The input path (file or folder).
    public var input: String
    /// The output path; its extension (or being a folder) picks the format.
    public var output: String
    /// Cast floating-point tensors to this dtype; integers and bools are kept.
    public var castTo: DType?
    /// Options for the writer (shard size, compression, layout).
    public var writeOptions = WriteOptions()
    /// Options for the reader.
    public var readOptions = ReadOptions()
    /// Replace an existing output.
    public var force = false

    /// Describes a conversion of `input` to `output`.
    public init(input: String, output: String) {
        self.input = input
        self.output = output
    }

    /// Runs the conversion; `progress` is called with (bytes done, bytes in all) as input bytes are consumed.
    ///
    /// - Returns: the opened input store (for reporting).
    /// - Throws: reader, writer and policy errors; nothing is left at `output` on failure.
    @discardableResult
    public func run(registry: FormatRegistry = .standard, progress: ((Int, Int) -> Void)? = nil) throws -> TensorStore {
        let store = try registry.open(input, options: readOptions)
        try OutputPolicy.check(output: output, inputs: [store], force: force)
        let writer = try registry.writer(for: output, firstInput: store).writer
        var producer = try StoreProducer(store: store, castTo: castTo)
        producer.onProgress = progress.map { progressCounter(total: store.totalByteCount, report: $0) }
        try writer.write(producer, to: output, options: writeOptions)
        return store
    }
}
