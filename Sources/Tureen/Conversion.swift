import TureenCore

/// Converts a checkpoint from any readable format to any writable one, optionally casting
/// floating-point tensors; streams chunk by chunk with flat memory.
public struct Conversion {
    /// The input path (file or folder).
    public var input: String
    /// The output path; its extension (or being a folder) picks the format.
    public var output: String
    /// Cast floating-point tensors to this dtype; integers, bools and complex tensors are kept (the
    /// complex ones with a note).
    public var castTo: DType?
    /// Options for the writer (shard size, compression, layout).
    public var writeOptions = WriteOptions()
    /// Options for the reader.
    public var readOptions = ReadOptions()
    /// Replace an existing output (partitioned: replace files at this task's shard names that no manifest of its plan lists).
    public var force = false
    /// Where a model folder output takes its other files from, and whether configurations may differ.
    public var modelFolder = ModelFolderOptions()
    /// Hears what the user should know: which weights a model folder was read from, files not copied.
    public var onNote: ((String) -> Void)?
    /// Write only this task's share of a sharded safetensors output, into a folder every task shares
    /// (`PartitionIndexJob` then writes the index).
    public var partition: Partition?

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
        try runReporting(registry: registry, progress: progress).store
    }

    /// Runs the conversion as `run` does; returns the opened input store, the indices (in the
    /// store) of the tensors this run wrote (a partitioned task's share, else all), and, when
    /// partitioned, what this task wrote.
    public func runReporting(
        registry: FormatRegistry = .standard, progress: ((Int, Int) -> Void)? = nil
    ) throws -> (store: TensorStore, writtenTensors: [Int], partition: PartitionReport?) {
        let store = try registry.open(input, options: readOptions)
        var producer = try StoreProducer(store: store, castTo: castTo)
        if let castTo, !castTo.isComplex {
            let complex = store.tensors.map(\.info).filter(\.dtype.isComplex)
            if let first = complex.first {
                let kept = Set(complex.map(\.dtype)).sorted { $0.byteWidth < $1.byteWidth }.map { $0.rawValue.lowercased() }.joined(separator: " and ")
                onNote?("\(Self.tensors(complex.count, "complex tensor", first: first.name)) kept as \(kept): --dtype \(castTo.rawValue.lowercased()) casts real floating-point tensors only")
            }
        }
        let destination = try JobOutput(
            output: output, inputs: [store], partition: partition, writeOptions: writeOptions, modelFolder: modelFolder, force: force, registry: registry
        ) {
            let identity = PlanIdentity(job: "convert")
            identity.add(castTo?.rawValue ?? "no cast")
            identity.add(inputs: [store])
            identity.add(writeOptions: writeOptions)
            return identity.id
        }
        let written = destination.writtenTensorIndices(of: producer.tensors)
        let total = written.reduce(0) { $0 + store.tensors[$1].info.byteCount }
        producer.onProgress = progress.map { progressCounter(total: total, report: $0) }
        let report = try destination.write(producer, to: output, options: writeOptions, onNote: onNote)
        noteCastOverflows(of: producer)
        return (store, written, report)
    }

    /// Tells `onNote` how many finite values the cast took beyond its dtype's range, and in which tensors.
    private func noteCastOverflows(of producer: StoreProducer) {
        guard let castTo else { return }
        let overflows = producer.castOverflows.withLock { $0 }.sorted { $0.key < $1.key }
        guard let first = overflows.first else { return }
        let values = overflows.reduce(0) { $0 + $1.value }
        let became = castTo == .f8E4M3 ? "NaN" : "±Inf"
        onNote?("\(values) finite value\(values == 1 ? "" : "s") of \(Self.tensors(overflows.count, "tensor", first: producer.tensors[first.key].name)) lie beyond \(castTo.rawValue.lowercased())'s range and became \(became): a wider --dtype keeps them")
    }

    /// How many tensors a note is about, naming the first: `1 tensor ('w')`, `3 tensors ('w', …)`.
    private static func tensors(_ count: Int, _ noun: String, first: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s") ('\(first)'\(count > 1 ? ", …" : ""))"
    }
}
