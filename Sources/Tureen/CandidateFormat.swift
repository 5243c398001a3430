/// The format candidates are written in for an evaluator (`--eval-format`).
public enum CandidateFormat: String, Sendable, CaseIterable {
    case safetensors
    case npz
    case h5
    /// A Hugging Face model folder: the weights and the first ingredient's `config.json`,
    /// tokenizer and other files, for an evaluator that loads with `from_pretrained`. Needs model
    /// folder ingredients.
    case folder
    /// A Keras 3 `.keras` archive, with the first ingredient's configuration (which must be one).
    case keras

    /// The file name extension, without the dot; nil for a folder.
    public var fileExtension: String? { self == .folder ? nil : rawValue }

    /// The name of a candidate called `stem`: `stem.safetensors`, …, or `stem` for a folder.
    public func name(_ stem: String) -> String {
        fileExtension.map { stem + "." + $0 } ?? stem
    }
}
