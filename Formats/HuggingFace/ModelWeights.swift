/// The weight files of a model folder, in the order transformers looks for them: one safetensors
/// file, a safetensors index, one `.bin`, a `.bin` index.
enum ModelWeights: String, CaseIterable {
    case safetensors = "model.safetensors"
    case shardedSafetensors = "model.safetensors.index.json"
    case pytorch = "pytorch_model.bin"
    case shardedPyTorch = "pytorch_model.bin.index.json"

    /// The file the weights are read through.
    var fileName: String { rawValue }

    /// Whether the weights are safetensors.
    var isSafetensors: Bool { self == .safetensors || self == .shardedSafetensors }
}
