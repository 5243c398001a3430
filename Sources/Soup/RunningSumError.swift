/// Why the addends of a running sum do not fit the soup they are to make.
public enum RunningSumError: Error, CustomStringConvertible, Equatable {
    /// An addend (a running-sum file or an ingredient) lacks a merged tensor of the soup, or holds
    /// it with another shape or number of components.
    case addendMismatch(location: String, tensor: String, shape: [Int])

    public var description: String {
        switch self {
        case let .addendMismatch(location, tensor, shape):
            return "\(location): tensor '\(tensor)' is missing or not of shape \(shape), which the soup has"
        }
    }
}
