import TureenCore

extension TensorRecord {
    /// Reads `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])` or
    /// `_rebuild_tensor_v3(…, hooks, dtype[, metadata])`. Sizes and strides are checked against the
    /// storage later, where the tensor's name is known.
    init(rebuilding args: [PickleValue], v3: Bool, offset: Int, path: String) throws {
        func bad(_ detail: String) -> PyTorchError { .badPickle(path: path, offset: offset, detail: detail) }
        guard args.count >= (v3 ? 7 : 4), case let .storage(storage) = args[0] else {
            throw bad("a tensor rebuild without a storage and its size and stride")
        }
        guard case let .int(storageOffset) = args[1] else { throw bad("a tensor's storage offset is \(args[1].summary)") }
        func integers(_ value: PickleValue, _ what: String) throws -> [Int] {
            guard case let .tuple(items, _) = value else { throw bad("a tensor's \(what) is \(value.summary), not a tuple") }
            guard items.count <= TensorInfo.maximumRank else {
                throw bad("a tensor's \(what) has \(items.count) dimensions; PyTorch allows \(TensorInfo.maximumRank)")
            }
            return try items.map {
                guard case let .int(number) = $0 else { throw bad("a tensor's \(what) holds \($0.summary)") }
                return number
            }
        }
        var dtype = storage.dtype
        if v3 {
            guard case let .global(.dtype(declared)) = args[6] else { throw bad("_rebuild_tensor_v3's dtype is \(args[6].summary)") }
            dtype = declared
        }
        let metadataIndex = v3 ? 7 : 6
        var unsupported: String?
        if args.count > metadataIndex, case let .dict(metadata) = args[metadataIndex] {
            for (key, value) in metadata.entries {
                if case let .string(name) = key, name == "conj" || name == "neg", case .bool(true) = value {
                    unsupported = "it is a lazily \(name == "conj" ? "conjugated" : "negated") view; call .resolve_conj()/.resolve_neg() before saving"
                }
            }
        }
        self.init(
            storage: storage, dtype: dtype, offset: storageOffset, shape: try integers(args[2], "size"),
            strides: try integers(args[3], "stride"), unsupported: unsupported
        )
    }
}
