/// One tensor of a checkpoint: its description and where its bytes are.
public struct StoredTensor {
    /// Name, dtype and shape.
    public let info: TensorInfo
    /// The tensor's bytes, read on demand.
    public let source: any TensorByteSource

    /// Pairs a description with its bytes.
    public init(info: TensorInfo, source: any TensorByteSource) {
        self.info = info
        self.source = source
    }
}

/// A value in a checkpoint that is not a tensor (a PyTorch checkpoint's epoch or hyperparameters):
/// reported by `inspect`, never written.
public struct NonTensorValue: Sendable, Hashable {
    /// Its dotted name, e.g. `epoch` or `hyper_parameters.lr`.
    public let name: String
    /// A short description of the value.
    public let summary: String

    /// Describes a value.
    public init(name: String, summary: String) {
        self.name = name
        self.summary = summary
    }
}

/// An opened checkpoint: an ordered, named collection of tensors whose bytes stay on disk until
/// asked for, plus the checkpoint's string metadata.
public final class TensorStore {
    /// The path the checkpoint was opened from (a file or a folder).
    public let location: String
    /// The name of the format that read it, e.g. `safetensors`.
    public let formatName: CheckpointFormat.Name
    /// The tensors in the checkpoint's own order.
    public let tensors: [StoredTensor]
    /// String metadata (safetensors `__metadata__`, HDF5 root attributes, …).
    public let metadata: [String: String]
    /// Values of the checkpoint that are not tensors, left out of everything but `inspect`.
    public let nonTensorValues: [NonTensorValue]
    /// The files and folders the checkpoint was read from: the file itself, or a sharded
    /// checkpoint's folder, index and every shard. An output must neither replace any of them nor
    /// be written inside a folder among them (`OutputPolicy`).
    public package(set) var sourcePaths: [String]
    /// What the reader chose that the user should hear of (which of two weight files it read).
    public package(set) var notes: [String] = []
    /// Whether the reader applied `ReadOptions.selectedKey` and `strippedPrefix` itself (a PyTorch
    /// checkpoint's reader, which selects in the nested tree); `FormatRegistry.open` applies them
    /// to the others.
    public package(set) var readOptionsApplied = false
    private let indexByName: [String: Int]

    /// Creates a store.
    ///
    /// - Throws: `TensorStoreError.duplicateTensor` if two tensors share a name.
    public init(
        location: String, formatName: CheckpointFormat.Name, tensors: [StoredTensor], metadata: [String: String] = [:],
        nonTensorValues: [NonTensorValue] = []
    ) throws {
        var index: [String: Int] = [:]
        for (position, tensor) in tensors.enumerated() {
            guard index.updateValue(position, forKey: tensor.info.name) == nil else {
                throw TensorStoreError.duplicateTensor(path: location, tensor: tensor.info.name)
            }
        }
        self.location = location
        self.formatName = formatName
        self.tensors = tensors
        self.metadata = metadata
        self.nonTensorValues = nonTensorValues
        self.sourcePaths = [location]
        self.indexByName = index
    }

    /// The tensor called `name`, or nil.
    public func tensor(named name: String) -> StoredTensor? {
        indexByName[name].map { tensors[$0] }
    }

    /// The descriptions of all tensors, in order.
    public var infos: [TensorInfo] { tensors.map(\.info) }

    /// The total number of tensor bytes.
    public var totalByteCount: Int { tensors.reduce(0) { $0 &+ $1.info.byteCount } }
}
