import TureenCore

/// In-memory tensor stores, as a reader would return them: `StoreBuilder.store("a", [(name: "w",
/// shape: [2, 2], values: [1, 2, 3, 4])])`.
package enum StoreBuilder {
    /// A store of tensors given by their little-endian bytes.
    package static func store(
        _ location: String, _ tensors: [(name: String, dtype: DType, shape: [Int], bytes: [UInt8])], metadata: [String: String] = [:]
    ) throws -> TensorStore {
        let stored = try tensors.map { tensor in
            StoredTensor(info: try TensorInfo(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape), source: MemoryTensorSource(bytes: tensor.bytes))
        }
        return try TensorStore(location: location, formatName: "memory", tensors: stored, metadata: metadata)
    }

    /// A store of tensors given by their values, all stored as `dtype`.
    package static func store(
        _ location: String, _ tensors: [(name: String, shape: [Int], values: [Double])], dtype: DType = .f32, metadata: [String: String] = [:]
    ) throws -> TensorStore {
        try store(location, tensors.map { (name: $0.name, dtype: dtype, shape: $0.shape, bytes: TensorBytes.encode($0.values, as: dtype)) }, metadata: metadata)
    }
}
