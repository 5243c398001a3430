/// Errors raised while comparing checkpoints.
public enum CompareError: Error, CustomStringConvertible, Equatable {
    /// Name normalisation mapped two tensors of one checkpoint to the same name.
    case normalizationCollision(path: String, first: String, second: String, normalized: String)
    /// The checkpoints do not share an architecture; the mismatch holds their grouped differences.
    case incompatibleArchitectures(ArchitectureMismatch)
    /// A distance was asked of fewer than two checkpoints.
    case tooFewInputs(count: Int)

    public var description: String {
        switch self {
        case let .normalizationCollision(path, first, second, normalized):
            return "\(path): tensors '\(first)' and '\(second)' both normalise to '\(normalized)'"
        case let .incompatibleArchitectures(mismatch):
            return mismatch.report()
        case let .tooFewInputs(count):
            return "comparing needs at least two checkpoints, got \(count)"
        }
    }
}
