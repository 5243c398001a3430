import TureenCore

/// Writes a single tensor as a `.npy` file (version 1.0, little-endian, C order), streamed.
public struct NpyWriter: CheckpointWriter {
    /// None: one uncompressed array.
    public var usedOptions: Set<WriteOptions.Choice> { [] }

    /// A writer.
    public init() {}

    public func write(_ content: any TensorProducer, to path: String, options: WriteOptions) throws {
        guard content.tensors.count == 1 else { throw NumPyError.singleTensorOnly(path: path, count: content.tensors.count) }
        let output = try OutputFile(destination: path)
        try output.write(NpyHeader.encode(content.tensors[0]))
        try Self.stream(content, tensorAt: 0, path: path) { try output.write($0) }
        try output.commit()
    }

    /// Passes the bytes of `content.tensors[index]` to `sink`, checking the producer delivers exactly their count.
    ///
    /// - Throws: `TensorStoreError.producerShortfall` when it does not, or what the producer or `sink` throws.
    static func stream(_ content: any TensorProducer, tensorAt index: Int, path: String, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let info = content.tensors[index]
        var produced = 0
        try content.produce(tensorAt: index) { chunk in
            produced += chunk.count
            guard produced <= info.byteCount else { return }
            try sink(chunk)
        }
        guard produced == info.byteCount else {
            throw TensorStoreError.producerShortfall(path: path, tensor: info.name, expected: info.byteCount, actual: produced)
        }
    }
}
