/// Why a loss gradient cannot be used for a learned soup. Each case names the gradient file.
public enum GradientError: Error, CustomStringConvertible, Equatable {
    /// The gradient's tensors do not match the soup's floating-point tensors: each problem names
    /// a tensor (missing, unexpected, another shape, not floating point).
    case doesNotMatch(path: String, problems: [String])
    /// The gradient of a tensor holds NaN or ±Inf.
    case nonFinite(path: String, tensor: String)
    /// The gradient of a tensor is finite, but its products with the ingredients overflow Float64.
    case derivativeOverflows(path: String, tensor: String)

    public var description: String {
        switch self {
        case let .doesNotMatch(path, problems):
            let shown = problems.prefix(8).joined(separator: "; ")
            let more = problems.count > 8 ? "; and \(problems.count - 8) more" : ""
            return "\(path): the gradient does not match the soup's floating-point tensors (names and shapes must be theirs): \(shown)\(more)"
        case let .nonFinite(path, tensor):
            return "\(path): the gradient of tensor '\(tensor)' holds NaN or Inf"
        case let .derivativeOverflows(path, tensor):
            return "\(path): the gradient of tensor '\(tensor)' is finite, but its products with the ingredients overflow Float64 (the derivative passes ±1.8e308); scale the loss down"
        }
    }
}
