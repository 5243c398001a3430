/// Why recipes meant for single tensors (per-tensor weights) do not fit a soup.
public enum TensorRecipeError: Error, CustomStringConvertible, Equatable {
    /// Weights are given for a tensor the soup does not merge (absent, or an integer tensor).
    case notAMergedTensor(tensor: String)
    /// A tensor's weights are not one per ingredient.
    case weightCount(tensor: String, weights: Int, ingredients: Int)
    /// A tensor's recipe is base-relative and the soup's is not, or the other way round.
    case baseRelativeMismatch(tensor: String, soupIsBaseRelative: Bool)

    public var description: String {
        switch self {
        case let .notAMergedTensor(tensor):
            return "weights are given for tensor '\(tensor)', which is not a floating-point tensor of the soup"
        case let .weightCount(tensor, weights, ingredients):
            return "tensor '\(tensor)' has \(weights) weights for \(ingredients) ingredients; give one weight per ingredient"
        case let .baseRelativeMismatch(tensor, soupIsBaseRelative):
            return "tensor '\(tensor)' has a recipe that is \(soupIsBaseRelative ? "not " : "")base-relative in a soup that is\(soupIsBaseRelative ? "" : " not")"
        }
    }
}
