import TureenCore

/// The `weight_map` of a sharded checkpoint's `*.index.json` (huggingface_hub's layout, shared by
/// sharded safetensors and transformers' sharded `.bin`), for other formats' sharded readers.
package enum ShardedIndex {
    /// The (tensor, shard file) pairs of the index at `path`, checked as the safetensors index is.
    ///
    /// - Throws: `SafetensorsError.badIndex` for an oversized, malformed or inconsistent index.
    package static func weightMap(at path: String) throws -> [(tensor: String, shard: String)] {
        let file = try MappedFile(path: path)
        guard file.count <= ShardedSafetensors.maximumIndexSize else {
            throw SafetensorsError.badIndex(path: path, detail: "the index is \(file.count) bytes, more than the \(ShardedSafetensors.maximumIndexSize)-byte limit")
        }
        do {
            let root = try file.withUnsafeBytes(in: 0..<file.count) { try JSONParser.parse($0) }
            return try ShardedSafetensors.parseWeightMap(root, path: path).map { (tensor: $0.0, shard: $0.1) }
        } catch let failure as JSONParser.Failure {
            throw SafetensorsError.badIndex(path: path, detail: failure.description)
        }
    }
}
