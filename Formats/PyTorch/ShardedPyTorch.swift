import Safetensors
import TureenCore

/// Sharded `.bin` checkpoints: a folder of `pytorch_model-0000K-of-0000N.bin` files with a
/// `pytorch_model.bin.index.json` mapping every tensor to its shard (transformers' older layout).
/// The index is read as the sharded safetensors index is, and every shard is cross-checked with it.
enum ShardedPyTorch {
    static let indexSuffix = ".bin.index.json"

    /// Whether `folder` holds a `.bin` index.
    static func recognizes(folder: String) -> Bool {
        ((try? FileSystem.contents(of: folder)) ?? []).contains { $0.hasSuffix(indexSuffix) }
    }

    /// Opens the folder through its one `.bin` index.
    static func open(folder: String, options: ReadOptions) throws -> TensorStore {
        let indexes = try FileSystem.contents(of: folder).filter { $0.hasSuffix(indexSuffix) }
        guard indexes.count == 1 else {
            throw PyTorchError.badArchive(path: folder, detail: "the folder holds \(indexes.count) .bin indexes (\(indexes.joined(separator: ", "))); name the one to read")
        }
        let store = try open(index: folder + "/" + indexes[0], location: folder, options: options)
        store.sourcePaths.insert(folder, at: 0)
        return store
    }

    /// Opens a sharded checkpoint through `indexPath`.
    static func open(index indexPath: String, location: String? = nil, options: ReadOptions) throws -> TensorStore {
        let folder = FileSystem.folder(of: indexPath)
        let weightMap = try ShardedIndex.weightMap(at: indexPath)
        var expected: [String: Set<String>] = [:]
        for (tensor, shard) in weightMap { expected[shard, default: []].insert(tensor) }
        var tensors: [StoredTensor] = []
        var metadata: [String: String] = [:]
        var nonTensorValues: [NonTensorValue] = []
        for shard in expected.keys.sorted() {
            let store = try PyTorchReader().open(folder + "/" + shard, options: options)
            let actual = Set(store.tensors.map(\.info.name))
            let wanted = expected[shard] ?? []
            if let stray = actual.subtracting(wanted).sorted().first {
                throw PyTorchError.badArchive(path: indexPath, detail: "shard '\(shard)' holds tensor '\(stray)', which the index maps elsewhere or not at all")
            }
            if let missing = wanted.subtracting(actual).sorted().first {
                throw PyTorchError.badArchive(path: indexPath, detail: "the index maps tensor '\(missing)' to shard '\(shard)', which does not hold it")
            }
            tensors += store.tensors
            metadata.merge(store.metadata) { first, _ in first }
            nonTensorValues += store.nonTensorValues
        }
        let store = try TensorStore(location: location ?? indexPath, formatName: .pytorch, tensors: tensors, metadata: metadata, nonTensorValues: nonTensorValues)
        // An output must not replace the index or any shard (`OutputPolicy`).
        store.sourcePaths = [indexPath] + expected.keys.sorted().map { folder + "/" + $0 }
        store.readOptionsApplied = true
        return store
    }
}
