import TureenCore

/// Reads safetensors checkpoints: one file, a folder of shards, or a `model.safetensors.index.json`.
/// Tensor bytes are served zero-copy from the mapped files.
public struct SafetensorsReader: CheckpointReader {
    /// A reader.
    public init() {}

    public func open(_ path: String, options: ReadOptions) throws -> TensorStore {
        if FileSystem.isDirectory(path) {
            return try ShardedSafetensors.open(folder: path)
        }
        if path.hasSuffix(".index.json") {
            return try ShardedSafetensors.open(index: path)
        }
        let tensors = try Self.tensors(inFile: path)
        return try TensorStore(location: path, formatName: .safetensors, tensors: tensors.tensors, metadata: tensors.metadata)
    }

    /// Maps one safetensors file and returns its tensors (in data order) and metadata.
    static func tensors(inFile path: String) throws -> (tensors: [StoredTensor], metadata: [String: String]) {
        let file = try MappedFile(path: path)
        let header = try file.withUnsafeBytes { try SafetensorsHeader.parse($0, fileSize: file.count, path: path) }
        let tensors = try header.entries.map { entry in
            let range = (header.dataStart + entry.dataRange.lowerBound)..<(header.dataStart + entry.dataRange.upperBound)
            return StoredTensor(info: entry.info, source: try MappedTensorSource(file: file, fileRange: range))
        }
        return (tensors, header.metadata)
    }

    /// Whether `prefix` (a file's first bytes) looks like a safetensors header: a plausible length and `{`.
    static func recognizes(_ prefix: [UInt8]) -> Bool {
        guard prefix.count >= 9 else { return false }
        let length = prefix.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
        return length <= SafetensorsHeader.maximumHeaderLength && length >= 2 && prefix[8] == UInt8(ascii: "{")
    }
}
