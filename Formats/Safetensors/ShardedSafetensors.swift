import TureenCore

/// Sharded safetensors checkpoints: a folder of `model-0000K-of-0000N.safetensors` files with a
/// `model.safetensors.index.json` that maps every tensor to its shard (the huggingface_hub layout).
enum ShardedSafetensors {
    static let indexSuffix = ".safetensors.index.json"
    /// The largest index read: the index of a model with a million tensors takes under 100 MB, and a
    /// larger file would be parsed whole into memory.
    static let maximumIndexSize = 100_000_000

    /// Opens a folder: through its index when it has exactly one, else all its `.safetensors` files in
    /// name order, unless their numbered names show one missing, or the folder is a partitioned
    /// run's that `tureen index` has not finished.
    static func open(folder: String) throws -> TensorStore {
        let names = try FileSystem.contents(of: folder)
        let indexes = names.filter { $0.hasSuffix(indexSuffix) }
        if indexes.count == 1 {
            let store = try open(index: folder + "/" + indexes[0], location: folder)
            store.sourcePaths.insert(folder, at: 0)
            return store
        }
        if indexes.count > 1 {
            throw SafetensorsError.badIndex(path: folder, detail: "the folder holds several indexes (\(indexes.joined(separator: ", "))); name the one to read")
        }
        let shards = names.filter { $0.hasSuffix(".safetensors") }.sorted()
        guard !shards.isEmpty else { throw SafetensorsError.noCheckpointInFolder(path: folder) }
        if names.contains(where: TaskManifestName.matches) { throw SafetensorsError.partitionedFolderWithoutIndex(path: folder) }
        if let missing = NumberedShardNames.firstMissing(among: shards) {
            throw SafetensorsError.missingShard(path: folder, shard: missing.name, total: missing.total)
        }
        var tensors: [StoredTensor] = []
        var metadata: [String: String] = [:]
        for shard in shards {
            let contents = try SafetensorsReader.tensors(inFile: folder + "/" + shard)
            tensors += contents.tensors
            metadata.merge(contents.metadata) { first, _ in first }
        }
        let store = try TensorStore(location: folder, formatName: .safetensors, tensors: tensors, metadata: metadata)
        store.sourcePaths = [folder] + shards.map { folder + "/" + $0 }
        return store
    }

    /// Opens a checkpoint through its index file, cross-checking every shard's header with the map.
    static func open(index indexPath: String, location: String? = nil) throws -> TensorStore {
        let folder = FileSystem.folder(of: indexPath)
        let file = try MappedFile(path: indexPath)
        guard file.count <= maximumIndexSize else {
            throw SafetensorsError.badIndex(path: indexPath, detail: "the index is \(file.count) bytes, more than the \(maximumIndexSize)-byte limit")
        }
        let root: JSONValue
        do {
            root = try file.withUnsafeBytes(in: 0..<file.count) { try JSONParser.parse($0) }
        } catch let failure as JSONParser.Failure {
            throw SafetensorsError.badIndex(path: indexPath, detail: failure.description)
        }
        let weightMap = try parseWeightMap(root, path: indexPath)
        var shardOrder: [String] = []
        var expected: [String: Set<String>] = [:]
        for (tensor, shard) in weightMap {
            if expected[shard] == nil { shardOrder.append(shard) }
            expected[shard, default: []].insert(tensor)
        }
        if let unlisted = NumberedShardNames.firstUnlisted(among: (try? FileSystem.contents(of: folder)) ?? [], listed: Set(shardOrder)) {
            throw SafetensorsError.shardNotInIndex(path: indexPath, shard: unlisted)
        }
        var tensors: [StoredTensor] = []
        var metadata: [String: String] = [:]
        for shard in shardOrder.sorted() {
            let shardPath = folder + "/" + shard
            let contents = try SafetensorsReader.tensors(inFile: shardPath)
            let actual = Set(contents.tensors.map(\.info.name))
            let wanted = expected[shard] ?? []
            if let stray = actual.subtracting(wanted).sorted().first {
                throw SafetensorsError.shardMismatch(path: indexPath, shard: shard, detail: "it holds tensor '\(stray)', which the index maps elsewhere or not at all")
            }
            if let missing = wanted.subtracting(actual).sorted().first {
                throw SafetensorsError.shardMismatch(path: indexPath, shard: shard, detail: "the index maps tensor '\(missing)' to it, but it does not hold it")
            }
            tensors += contents.tensors
            metadata.merge(contents.metadata) { first, _ in first }
        }
        let store = try TensorStore(location: location ?? indexPath, formatName: .safetensors, tensors: tensors, metadata: metadata)
        store.sourcePaths = [indexPath] + shardOrder.sorted().map { folder + "/" + $0 }
        return store
    }

    static func parseWeightMap(_ root: JSONValue, path: String) throws -> [(String, String)] {
        guard case let .object(members) = root else { throw SafetensorsError.badIndex(path: path, detail: "the index must be a JSON object") }
        guard let mapValue = members.first(where: { $0.key == "weight_map" })?.value, case let .object(entries) = mapValue else {
            throw SafetensorsError.badIndex(path: path, detail: "'weight_map' must be an object mapping tensor names to shard files")
        }
        guard !entries.isEmpty else { throw SafetensorsError.badIndex(path: path, detail: "'weight_map' maps no tensors") }
        var seen = Set<String>()
        return try entries.map { tensor, value in
            guard seen.insert(tensor).inserted else {
                throw SafetensorsError.badIndex(path: path, detail: "tensor '\(tensor)' is mapped more than once")
            }
            guard case let .string(shard) = value else {
                throw SafetensorsError.badIndex(path: path, detail: "tensor '\(tensor)' maps to \(value.kindName), not a file name")
            }
            guard !shard.isEmpty, !shard.contains("/"), !shard.contains("\\"), shard != ".", shard != ".." else {
                throw SafetensorsError.badIndex(path: path, detail: "tensor '\(tensor)' maps to '\(shard)'; shard names must be plain file names in the index's folder")
            }
            return (tensor, shard)
        }
    }
}
