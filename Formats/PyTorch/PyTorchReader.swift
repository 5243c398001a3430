import TureenCore
import Zip

/// Reads `torch.save` checkpoints (`.pt`, `.pth`, `.bin`, `.ckpt`): the zip format of torch ≥ 1.6
/// and the legacy format before it. The pickle is run by a symbolic machine that never executes
/// code; tensors are windows onto storages, read in place (with `pread`) when contiguous
/// and gathered by their strides otherwise.
public struct PyTorchReader: CheckpointReader {
    /// A reader.
    public init() {}

    public func open(_ path: String, options: ReadOptions) throws -> TensorStore {
        if FileSystem.isDirectory(path) { return try ShardedPyTorch.open(folder: path, options: options) }
        if path.hasSuffix(ShardedPyTorch.indexSuffix) { return try ShardedPyTorch.open(index: path, options: options) }
        let file = try MappedFile(path: path)
        let machine = PickleMachine(path: path)
        defer { machine.tearDown() }
        // Only the records the parsers touch are read (with pread), never the storages.
        let loaded = try file.withBytesLoadedOnDemand { bytes, load in
            try load(0..<min(4, bytes.count))
            return Self.isZip(bytes) ? try ZipCheckpoint.load(bytes, machine: machine, path: path, load: load)
                : try LegacyCheckpoint.load(bytes, machine: machine, path: path, load: load)
        }
        let tree = try CheckpointTree(root: loaded.root, select: options.selectedKey, stripPrefix: options.strippedPrefix, path: path)
        return try Self.store(tree, storages: loaded.storages, file: file, path: path)
    }

    /// Whether `bytes` start like a zip (torch's own test: the first four bytes).
    static func isZip(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4B && bytes[2] == 0x03 && bytes[3] == 0x04
    }

    private static func store(_ tree: CheckpointTree, storages: [String: Range<Int>], file: MappedFile, path: String) throws -> TensorStore {
        var tensors: [StoredTensor] = []
        var metadata: [String: String] = [:]
        var dtypeOfKey: [String: DType] = [:]
        var firstNameOfView: [String: String] = [:]
        for (name, record) in tree.tensors {
            if let reason = record.unsupported { throw PyTorchError.unsupportedTensor(path: path, tensor: name, detail: reason) }
            if let earlier = dtypeOfKey.updateValue(record.dtype, forKey: record.storage.key), earlier != record.dtype {
                throw PyTorchError.badTensor(path: path, tensor: name, detail: "storage '\(record.storage.key)' is read as both \(earlier) and \(record.dtype); refusing to reinterpret bytes")
            }
            guard let range = storages[record.storage.key] else {
                throw PyTorchError.badStorage(path: path, key: record.storage.key, detail: "no record holds it (tensor '\(name)')")
            }
            let info = try TensorInfo(name: name, dtype: record.dtype, shape: record.shape, file: path)
            tensors.append(StoredTensor(info: info, source: try TensorWindow(record: record, name: name, path: path).source(file: file, storage: range)))
            let viewKey = "\(record.storage.key)|\(record.dtype)|\(record.offset)|\(record.shape)|\(record.strides)"
            if let first = firstNameOfView[viewKey] { metadata[name] = first } else { firstNameOfView[viewKey] = name }
        }
        guard !tensors.isEmpty else {
            throw PyTorchError.noTensors(path: path, detail: Self.whyNoTensors(tree.nonTensorValues, selected: tree.selection))
        }
        let skipped = tree.nonTensorValues.map { NonTensorValue(name: $0.name, summary: $0.summary) }
        let store = try TensorStore(location: path, formatName: .pytorch, tensors: tensors, metadata: metadata, nonTensorValues: skipped)
        store.readOptionsApplied = true
        return store
    }

    /// Why a checkpoint (or its selected subtree) gave no tensor, from the values it holds instead.
    private static func whyNoTensors(_ values: [(name: String, summary: String)], selected: String?) -> String {
        if let only = values.first, values.count == 1, only.name.isEmpty {
            // The root itself is a value: the selection named one, or the pickle holds no container.
            return selected.map { "'\($0)' is \(only.summary), not tensors" } ?? "it holds \(only.summary), not tensors"
        }
        return values.isEmpty ? "the checkpoint is empty" : "it holds only non-tensor values (\(values.prefix(5).map(\.name).joined(separator: ", ")))"
    }
}
