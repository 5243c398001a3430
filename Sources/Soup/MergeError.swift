/// Why a merge was refused, before a byte was written. Each case names the method or the tensor.
public enum MergeError: Error, CustomStringConvertible, Equatable {
    /// The method needs a base model and none was given.
    case baseRequired(MergeRecipe.Method)
    /// A base model was given to a method that does not use one.
    case baseNotUsed(MergeRecipe.Method)
    /// The method takes another number of ingredients (besides the base).
    case ingredientCount(MergeRecipe.Method, expected: String, given: Int)
    /// A tensor's parameters cannot be used; `reason` says why.
    case invalidParameters(tensor: String, reason: String)
    /// Model Stock's t is undefined for a tensor: its task vectors hold NaN or ±Inf, or values whose
    /// squares overflow Float64, so their mean cosine is NaN.
    case modelStockUndefined(tensor: String, ingredients: Int)
    /// SLERP's angle is undefined for a tensor: its values hold NaN or ±Inf, or values whose squares
    /// overflow Float64.
    case slerpUndefined(tensor: String)

    public var description: String {
        switch self {
        case let .baseRequired(method):
            return "merge method '\(method.rawValue)' needs a base model"
        case let .baseNotUsed(method):
            return "merge method '\(method.rawValue)' uses no base model; give it as one of the models to merge it"
        case let .ingredientCount(method, expected, given):
            return "merge method '\(method.rawValue)' takes \(expected) besides the base model; \(given) \(given == 1 ? "was" : "were") given"
        case let .invalidParameters(tensor, reason):
            return "tensor '\(tensor)': \(reason)"
        case let .modelStockUndefined(tensor, ingredients):
            return "tensor '\(tensor)': Model Stock's t is undefined: the task vectors of the \(ingredients) models hold NaN or ±Inf, " + Self.overflowingSquares
        case let .slerpUndefined(tensor):
            return "tensor '\(tensor)': SLERP's angle is undefined: the tensor holds NaN or ±Inf, " + Self.overflowingSquares
        }
    }

    /// The other cause of a non-finite cosine or angle from finite values.
    private static let overflowingSquares =
        "or values so large that the Float64 sums of their squares overflow (each beyond about 1e154, or many somewhat smaller)"
}
