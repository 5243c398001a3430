import Foundation
import Tureen

/// What `tureen inspect` prints: every tensor, totals and metadata, as text or JSON.
struct CheckpointSummary: Encodable {
    struct Tensor: Encodable {
        let name: String
        let dtype: String
        let shape: [Int]
        let bytes: Int
    }

    let path: String
    let format: String
    let tensors: [Tensor]
    let totalParameters: Int
    let totalBytes: Int
    let metadata: [String: String]
    /// Values that are not tensors (PyTorch checkpoints' epoch, hyperparameters); absent when there are none.
    let nonTensorValues: [String: String]?
    /// What the reader chose (which weights of a model folder it read); absent when nothing.
    let notes: [String]?

    init(store: TensorStore) {
        path = store.location
        format = store.formatName.rawValue
        tensors = store.infos.map { Tensor(name: $0.name, dtype: $0.dtype.rawValue, shape: $0.shape, bytes: $0.byteCount) }
        totalParameters = store.infos.reduce(0) { $0 + $1.elementCount }
        totalBytes = store.totalByteCount
        metadata = store.metadata
        nonTensorValues = store.nonTensorValues.isEmpty
            ? nil : Dictionary(store.nonTensorValues.map { ($0.name, $0.summary) }, uniquingKeysWith: { first, _ in first })
        notes = store.notes.isEmpty ? nil : store.notes
    }

    func text() -> String {
        let nameWidth = min(60, tensors.map(\.name.count).max() ?? 4)
        var lines = ["\(path) (\(format)): \(tensors.count) tensors, \(totalParameters) parameters, \(totalBytes) bytes"]
        for tensor in tensors {
            let shape = "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]"
            lines.append("  " + tensor.name.padding(toLength: max(nameWidth, tensor.name.count), withPad: " ", startingAt: 0)
                + "  " + tensor.dtype.padding(toLength: 7, withPad: " ", startingAt: 0) + "  " + shape + "  \(tensor.bytes) B")
        }
        if !metadata.isEmpty {
            lines.append("metadata:")
            lines += metadata.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
        }
        if let nonTensorValues {
            lines.append("non-tensor values (left out of conversions and soups):")
            lines += nonTensorValues.sorted { $0.key < $1.key }.map { "  \($0.key.isEmpty ? "(root)" : $0.key): \($0.value)" }
        }
        if let notes {
            lines.append("notes:")
            lines += notes.map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }
}
