import TureenCore

/// The PyTorch parsers as the fuzz harness (`Fuzz/`) drives them: a whole checkpoint file's bytes
/// (zip or legacy) through the pickle machine, the flattening and every tensor's window check.
/// Errors are expected and ignored; a crash, hang or unbounded allocation here is a bug.
package enum PyTorchFuzzing {
    /// Parses `bytes` as a `torch.save` file, as the reader does, without touching storages.
    package static func parseCheckpoint(_ bytes: UnsafeRawBufferPointer) {
        let machine = PickleMachine(path: "fuzz.pt")
        defer { machine.tearDown() }
        guard let loaded = try? (PyTorchReader.isZip(bytes) ? ZipCheckpoint.load(bytes, machine: machine, path: "fuzz.pt")
            : LegacyCheckpoint.load(bytes, machine: machine, path: "fuzz.pt")),
            let tree = try? CheckpointTree(root: loaded.root, select: nil, stripPrefix: nil, path: "fuzz.pt") else { return }
        for (name, record) in tree.tensors {
            _ = try? TensorWindow(record: record, name: name, path: "fuzz.pt")
        }
    }
}
