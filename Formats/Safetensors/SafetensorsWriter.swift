import TureenCore

/// Writes safetensors files byte-identical to the safetensors Python library (tensors ordered by
/// dtype, descending in its enum order, then by name; compact JSON; space padding to a multiple of
/// 8), and sharded folders with a `model.safetensors.index.json` when `maxShardSize` is set or the
/// output path is a folder.
public struct SafetensorsWriter: CheckpointWriter {
    /// A shard size (a folder of shards).
    public var usedOptions: Set<WriteOptions.Choice> { [.maxShardSize] }

    /// The default shard size for folder outputs: 5 GB, as in huggingface_hub.
    public static let defaultShardSize = 5_000_000_000

    /// A writer.
    public init() {}

    public func write(_ content: any TensorProducer, to path: String, options: WriteOptions) throws {
        try Self.checkStorable(content, path: path)
        if writesFolder(at: path, options: options) {
            try ShardedSafetensorsWriter.write(content, toFolder: path, maxShardSize: options.maxShardSize ?? Self.defaultShardSize)
        } else {
            let output = try OutputFile(destination: path)
            try Self.writeFile(content, tensorIndices: Array(content.tensors.indices), to: output)
            try output.commit()
        }
    }

    /// Writes `content` into `folder` (which the caller commits) as `model.safetensors`, or as
    /// shards of at most `maxShardSize` bytes with an index when they do not fit in one.
    ///
    /// - Throws: `SafetensorsError.cannotStore` for complex tensors, or an I/O error.
    package static func write(_ content: any TensorProducer, into folder: OutputFolder, maxShardSize: Int?) throws {
        try checkStorable(content, path: folder.destination)
        try ShardedSafetensorsWriter.write(content, into: folder, maxShardSize: maxShardSize ?? Int.max)
    }

    /// Whether writing to `path` makes a folder of shards (a path ending in `/` or not in
    /// `.safetensors`, or a shard size given) rather than one file.
    public func writesFolder(at path: String, options: WriteOptions) -> Bool {
        path.hasSuffix("/") || options.maxShardSize != nil || !path.lowercased().hasSuffix(".safetensors")
    }

    /// Whether a sharded output folder written by Tureen can hold an entry called `name`: a shard or
    /// `model.safetensors`, an index, or a partitioned run's task manifest. `--force` replaces a
    /// folder only if it holds nothing else.
    package static func writesFolderEntry(_ name: String) -> Bool {
        name.hasSuffix(".safetensors") || name.hasSuffix(ShardedSafetensors.indexSuffix) || TaskManifestName.matches(name)
    }

    package static func checkStorable(_ content: any TensorProducer, path: String) throws {
        if let complex = content.tensors.first(where: { $0.dtype == .c128 }) {
            throw SafetensorsError.cannotStore(path: path, tensor: complex.name, dtype: complex.dtype)
        }
    }

    /// Writes the tensors at `tensorIndices` of `content` as one safetensors file into `output`.
    package static func writeFile(_ content: any TensorProducer, tensorIndices: [Int], to output: OutputFile) throws {
        let ordered = tensorIndices.sorted { left, right in
            let a = content.tensors[left], b = content.tensors[right]
            if a.dtype.safetensorsOrder != b.dtype.safetensorsOrder { return a.dtype.safetensorsOrder > b.dtype.safetensorsOrder }
            return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
        let header = headerBytes(for: ordered.map { content.tensors[$0] }, metadata: content.metadata)
        var length = UInt64(header.count).littleEndian
        try withUnsafeBytes(of: &length) { try output.write($0) }
        try output.write(header)
        for index in ordered {
            try stream(content, tensorAt: index, to: output)
        }
    }

    /// Streams one tensor, checking that the producer delivers exactly its byte count.
    static func stream(_ content: any TensorProducer, tensorAt index: Int, to output: OutputFile) throws {
        let info = content.tensors[index]
        var produced = 0
        try content.produce(tensorAt: index) { chunk in
            produced += chunk.count
            guard produced <= info.byteCount else { return }
            try output.write(chunk)
        }
        guard produced == info.byteCount else {
            throw TensorStoreError.producerShortfall(path: output.destination, tensor: info.name, expected: info.byteCount, actual: produced)
        }
    }

    /// The JSON header (padded with spaces to a multiple of 8) for tensors in file order.
    static func headerBytes(for tensors: [TensorInfo], metadata: [String: String]) -> [UInt8] {
        let metadataMap = metadata.isEmpty ? ["format": "pt"] : metadata
        var members: [(String, String)] = [
            ("__metadata__", JSONWriter.object(metadataMap.sorted { $0.key < $1.key }.map { ($0.key, JSONWriter.quoted($0.value)) })),
        ]
        var offset = 0
        for info in tensors {
            let end = offset + info.byteCount
            let fields = [
                ("dtype", JSONWriter.quoted(info.dtype.rawValue)),
                ("shape", JSONWriter.integers(info.shape)),
                ("data_offsets", JSONWriter.integers([offset, end])),
            ]
            members.append((info.name, JSONWriter.object(fields)))
            offset = end
        }
        var bytes = Array(JSONWriter.object(members).utf8)
        bytes += [UInt8](repeating: UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8)
        return bytes
    }
}
