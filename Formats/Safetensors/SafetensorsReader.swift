import TureenCore

/// Reads safetensors checkpoints: one file, a folder of shards, or a `model.safetensors.index.json`.
/// Tensor bytes are read from the files as they are, with `pread`.
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
        let header = try file.withUnsafeBytes(in: 0..<headerPrefixLength(of: file)) {
            try SafetensorsHeader.parse($0, fileSize: file.count, path: path)
        }
        let tensors = try header.entries.map { entry in
            let range = (header.dataStart + entry.dataRange.lowerBound)..<(header.dataStart + entry.dataRange.upperBound)
            return StoredTensor(info: entry.info, source: try MappedTensorSource(file: file, fileRange: range))
        }
        return (tensors, header.metadata)
    }

    /// How many of the file's first bytes hold the length and the header it declares (as far as
    /// the file and the header limit allow; the parser reports what is wrong with the rest).
    private static func headerPrefixLength(of file: MappedFile) throws -> Int {
        guard file.count >= 8 else { return file.count }
        let declared = try file.bytes(in: 0..<8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
        let length = Int(min(declared, SafetensorsHeader.maximumHeaderLength))
        return min(file.count, 8 + length)
    }

    /// Whether `prefix` (a file's first bytes) looks like a safetensors header: a plausible length and `{`.
    static func recognizes(_ prefix: [UInt8]) -> Bool {
        guard prefix.count >= 9 else { return false }
        let length = prefix.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
        return length <= SafetensorsHeader.maximumHeaderLength && length >= 2 && prefix[8] == UInt8(ascii: "{")
    }
}
