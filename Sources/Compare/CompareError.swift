/// Errors raised while comparing checkpoints.
public enum CompareError: Error, CustomStringConvertible, Equatable {
    /// Name normalisation mapped two tensors of one checkpoint to the same name.
    case normalizationCollision(path: String, first: String, second: String, normalized: String)
    /// The checkpoints do not share an architecture; `report` says how they differ.
    case incompatibleArchitectures(report: String)
    /// A distance needs at least two inputs.
    case tooFewInputs(count: Int)

    public var description: String {
        switch self {
        case let .normalizationCollision(path, first, second, normalized):
            return "\(path): tensors '\(first)' and '\(second)' both normalise to '\(normalized)'; compare without --normalize-names"
        case let .incompatibleArchitectures(report):
            return report
        case let .tooFewInputs(count):
            return "comparing needs at least two checkpoints, got \(count)"
        }
    }
}
