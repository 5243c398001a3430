import TureenCore

/// Builds in-memory stores for tests: `store(["w": ([2, 2], [1, 2, 3, 4])])`.
enum StoreBuilder {
    static func store(
        _ location: String, _ tensors: [(name: String, shape: [Int], values: [Double])], dtype: DType = .f32, metadata: [String: String] = [:]
    ) throws -> TensorStore {
        let stored = try tensors.map { tensor in
            StoredTensor(info: try TensorInfo(name: tensor.name, dtype: dtype, shape: tensor.shape), source: MemoryTensorSource(bytes: encode(tensor.values, as: dtype)))
        }
        return try TensorStore(location: location, formatName: "memory", tensors: stored, metadata: metadata)
    }

    static func encode(_ values: [Double], as dtype: DType) -> [UInt8] {
        switch dtype {
        case .i32: return values.flatMap { withUnsafeBytes(of: Int32($0).littleEndian, Array.init) }
        case .i64: return values.flatMap { withUnsafeBytes(of: Int64($0).littleEndian, Array.init) }
        case .bool, .u8: return values.map { UInt8($0) }
        default:
            var bytes = [UInt8](repeating: 0, count: values.count * dtype.byteWidth)
            values.withUnsafeBufferPointer { input in
                bytes.withUnsafeMutableBytes { ElementCodec.encode(input, to: dtype, into: $0) }
            }
            return bytes
        }
    }
}
