import TureenCore

extension CheckpointFormat.Name {
    /// PyTorch `torch.save` files.
    public static let pytorch: Self = "pytorch"
}

extension CheckpointFormat {
    /// PyTorch `torch.save` files: the zip format (read and written), the legacy format (read), and
    /// sharded `.bin` folders with a `pytorch_model.bin.index.json` (read).
    public static let pytorch = CheckpointFormat(
        name: .pytorch,
        fileExtensions: ["pt", "pth", "bin", "ckpt", "bin.index.json"],
        recognizesPrefix: { PyTorchReader.recognizes($0) },
        recognizesDirectory: { ShardedPyTorch.recognizes(folder: $0) },
        reader: PyTorchReader(),
        writer: PyTorchWriter()
    )
}

extension PyTorchReader {
    /// Whether `prefix` is a torch.save file: the legacy magic number, or a zip whose first member is
    /// `data.pkl`, `version` or `.format_version` (in a folder, as torch writes them; an `.npz` holds only
    /// `.npy` members).
    static func recognizes(_ prefix: [UInt8]) -> Bool {
        if LegacyCheckpoint.recognizes(prefix) { return true }
        guard prefix.count >= 30, prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) else { return false }
        let nameLength = Int(prefix[26]) | Int(prefix[27]) << 8
        guard 30 + nameLength <= prefix.count else { return false }
        let name = String(decoding: prefix[30..<(30 + nameLength)], as: UTF8.self)
        let rest = name.firstIndex(of: "/").map { name[name.index(after: $0)...] } ?? name[...]
        return rest == "data.pkl" || rest == "version" || rest == ".format_version"
    }
}
