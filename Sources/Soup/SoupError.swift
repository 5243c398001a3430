import TureenCore

/// Why a soup was refused or stopped. Each case names the tensor and ingredient involved.
public enum SoupError: Error, CustomStringConvertible {
    case noIngredients
    case invalidWeights(String)
    case weightCountMismatch(weights: Int, ingredients: Int)
    case incompatibleIngredients(report: String)
    case integerTensorsDiffer(tensor: String, first: String, other: String)
    case nonFiniteResult(summary: String)
    case missingBase

    public var description: String {
        switch self {
        case .noIngredients:
            return "a soup needs at least one ingredient"
        case let .invalidWeights(reason):
            return "invalid weights: \(reason)"
        case let .weightCountMismatch(weights, ingredients):
            return "\(weights) weights were given for \(ingredients) ingredients; give one weight per ingredient"
        case let .incompatibleIngredients(report):
            return "the ingredients do not share an architecture: \(report)"
        case let .integerTensorsDiffer(tensor, first, other):
            return "integer/bool tensor '\(tensor)' differs between \(first) and \(other); integer tensors are never averaged (pass --integers first to take the first ingredient's)"
        case let .nonFiniteResult(summary):
            return "non-finite values found (--fail-on-nonfinite): \(summary)"
        case .missingBase:
            return "a base-relative recipe needs a base model (--base)"
        }
    }
}
