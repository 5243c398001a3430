/// The format candidates are written in for an evaluator (`--eval-format`).
public enum CandidateFormat: String, Sendable, CaseIterable {
    case safetensors
    case npz
    case h5
    /// A Keras 3 `.keras` archive, with the first ingredient's configuration (which must be one).
    case keras

    /// The file name extension, without the dot.
    public var fileExtension: String { rawValue }
}
