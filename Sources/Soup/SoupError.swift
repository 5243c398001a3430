import Compare
import TureenCore

/// Why a soup was refused or stopped. Each case names the tensor and ingredient involved.
public enum SoupError: Error, CustomStringConvertible {
    /// What makes a recipe's weights unusable.
    public enum WeightProblem: Sendable, Equatable {
        /// The weight at `position` (counting from 1) is NaN or infinite.
        case nonFiniteWeight(position: Int, value: Double)
        /// The weighted sum would be divided by zero or by a number that is not finite.
        case unusableDivisor(Double)
        /// The base-relative scale λ is NaN or infinite.
        case nonFiniteScale(Double)
        /// The weights sum to zero (normalising: or cancel to within rounding): they cannot be
        /// normalised, and only a base-relative soup may use them as given.
        case weightsSumToZero(normalizing: Bool, baseRelative: Bool)
    }

    /// A soup was asked of no ingredients.
    case noIngredients
    /// The recipe's weights (or its divisor or scale) cannot make a soup.
    case invalidWeights(WeightProblem)
    /// The recipe has a different number of weights than there are ingredients.
    case weightCountMismatch(weights: Int, ingredients: Int)
    /// The ingredients (and the base) do not share an architecture; the mismatch groups the differences.
    case incompatibleIngredients(ArchitectureMismatch)
    /// An integer or bool tensor differs between two ingredients, and the policy requires it identical.
    case integerTensorsDiffer(tensor: String, first: String, other: String)
    /// A tensor held NaN or ±Inf (in an ingredient, the base or the result) while `failOnNonFinite`
    /// was set; `inputs` names the ingredients and the base.
    case nonFiniteValues(tensor: String, counts: NonFiniteCount, inputs: InputNames)
    /// A base-relative recipe was given no base model.
    case missingBase

    public var description: String {
        switch self {
        case .noIngredients:
            return "a soup needs at least one ingredient"
        case let .invalidWeights(problem):
            return "invalid weights: \(problem)"
        case let .weightCountMismatch(weights, ingredients):
            return "\(weights) weights were given for \(ingredients) ingredients; give one weight per ingredient"
        case let .incompatibleIngredients(mismatch):
            return "the ingredients do not share an architecture: \(mismatch)"
        case let .integerTensorsDiffer(tensor, first, other):
            return "integer/bool tensor '\(tensor)' differs between \(first) and \(other); integer tensors are never averaged"
        case let .nonFiniteValues(tensor, counts, inputs):
            var parts = zip(counts.perIngredient, inputs.ingredients).filter { $0.0 > 0 }.map { "\($0.0) in \($0.1)" }
            if counts.base > 0 { parts.append("\(counts.base) in \(inputs.theBase)") }
            if counts.result > 0 { parts.append("\(counts.result) in the result") }
            return "non-finite values found: tensor '\(tensor)': " + parts.joined(separator: ", ")
        case .missingBase:
            return "a base-relative recipe needs a base model"
        }
    }
}

extension SoupError.WeightProblem: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .nonFiniteWeight(position, value):
            return "weight \(position) is \(value); weights must be finite"
        case let .unusableDivisor(divisor):
            return "the weights are divided by \(divisor); it must be finite and non-zero"
        case let .nonFiniteScale(scale):
            return "the scale is \(scale); it must be finite"
        case .weightsSumToZero(normalizing: true, _):
            return "the weights sum to zero, or cancel to within rounding (|Σw| ≤ 1e-8·Σ|w|), so they cannot be normalised"
        case .weightsSumToZero(normalizing: false, _):
            return "the weights sum to zero; only a base-relative soup allows that"
        }
    }
}
