extension TensorStore {
    /// The store as `options` ask for it, for a reader that did not apply them itself
    /// (`readOptionsApplied`): `strippedPrefix` removed from every name that starts with it;
    /// `selectedKey` refused, since only nested checkpoints (PyTorch's) have subtrees to select.
    ///
    /// - Throws: `TensorStoreError.nothingToSelect`; `.duplicateTensor` when stripping makes two
    ///   names one.
    func applying(_ options: ReadOptions) throws -> TensorStore {
        guard !readOptionsApplied else { return self }
        if let key = options.selectedKey { throw TensorStoreError.nothingToSelect(path: location, key: key, format: formatName.rawValue) }
        guard let prefix = options.strippedPrefix, !prefix.isEmpty else { return self }
        let renamed = try tensors.map { tensor in
            guard tensor.info.name.hasPrefix(prefix) else { return tensor }
            let info = tensor.info
            return StoredTensor(info: try TensorInfo(name: String(info.name.dropFirst(prefix.count)), dtype: info.dtype, shape: info.shape), source: tensor.source)
        }
        let store = try TensorStore(location: location, formatName: formatName, tensors: renamed, metadata: metadata, nonTensorValues: nonTensorValues)
        store.sourcePaths = sourcePaths
        store.notes = notes
        store.readOptionsApplied = true
        return store
    }
}
