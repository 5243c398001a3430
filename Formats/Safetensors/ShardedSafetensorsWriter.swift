import TureenCore

/// Writes a checkpoint as a folder of safetensors shards plus `model.safetensors.index.json`, split
/// as huggingface_hub splits: tensors in order, a new shard when the next tensor would overflow the
/// current one. A checkpoint that fits in one shard is written as `model.safetensors` with no index.
package enum ShardedSafetensorsWriter {
    static func write(_ content: any TensorProducer, toFolder path: String, maxShardSize: Int) throws {
        let folder = try OutputFolder(destination: path, isOwned: SafetensorsWriter.writesFolderEntry)
        try write(content, into: folder, maxShardSize: maxShardSize)
        try folder.commit()
    }

    /// Writes the shards and index into `folder`, which the caller commits.
    static func write(_ content: any TensorProducer, into folder: OutputFolder, maxShardSize: Int) throws {
        let shards = split(content.tensors, maxShardSize: maxShardSize)
        if shards.count <= 1 {
            let output = try folder.file(named: singleFileName)
            try SafetensorsWriter.writeFile(content, tensorIndices: shards.first ?? [], to: output)
            try output.commit()
            return
        }
        var weightMap: [(String, String)] = []
        for (number, indices) in shards.enumerated() {
            let name = shardName(number + 1, of: shards.count)
            let output = try folder.file(named: name)
            try SafetensorsWriter.writeFile(content, tensorIndices: indices, to: output)
            try output.commit()
            weightMap += indices.map { (content.tensors[$0].name, name) }
        }
        let index = try folder.file(named: indexFileName)
        let totalSize = content.tensors.reduce(0) { $0 + $1.byteCount }
        try index.write(Array(indexJSON(totalSize: totalSize, weightMap: weightMap).utf8))
        try index.commit()
    }

    /// Groups tensor indices into shards of at most `maxShardSize` bytes (a larger tensor gets a shard of its own).
    package static func split(_ tensors: [TensorInfo], maxShardSize: Int) -> [[Int]] {
        var shards: [[Int]] = []
        var current: [Int] = []
        var currentSize = 0
        for (index, info) in tensors.enumerated() {
            if !current.isEmpty, currentSize + info.byteCount > maxShardSize {
                shards.append(current)
                current = []
                currentSize = 0
            }
            current.append(index)
            currentSize += info.byteCount
        }
        if !current.isEmpty { shards.append(current) }
        return shards
    }

    /// The index's name.
    package static let indexFileName = "model.safetensors.index.json"

    /// The name of a folder's only file, when the checkpoint fits in one shard.
    package static let singleFileName = "model.safetensors"

    /// The file name of shard `number` (from 1) of `total`; `singleFileName` when `total` is 1.
    package static func fileName(ofShard number: Int, of total: Int) -> String {
        total <= 1 ? singleFileName : shardName(number, of: total)
    }

    static func shardName(_ number: Int, of total: Int) -> String {
        "model-\(padded(number))-of-\(padded(total)).safetensors"
    }

    /// `value` with leading zeros to `width` digits (five, as huggingface_hub numbers shards).
    static func padded(_ value: Int, width: Int = 5) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The index as transformers writes it: `json.dumps(index, indent=2, sort_keys=True)` plus a newline.
    package static func indexJSON(totalSize: Int, weightMap: [(String, String)]) -> String {
        let entries = weightMap.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            .map { "    \(asciiQuoted($0.0)): \(asciiQuoted($0.1))" }
        return "{\n  \"metadata\": {\n    \"total_size\": \(totalSize)\n  },\n  \"weight_map\": {\n"
            + entries.joined(separator: ",\n") + "\n  }\n}\n"
    }

    /// A JSON string with non-ASCII characters escaped, as Python's `json.dumps` does by default.
    static func asciiQuoted(_ text: String) -> String {
        var result = ""
        for scalar in JSONWriter.quoted(text).unicodeScalars {
            if scalar.isASCII {
                result.unicodeScalars.append(scalar)
            } else {
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
        }
        return result
    }
}
