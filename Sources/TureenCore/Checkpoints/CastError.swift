/// Why a cast was refused before any tensor was read.
public enum CastError: Error, CustomStringConvertible, Equatable {
    /// The cast's target is not a real floating-point dtype; only floating-point tensors are cast, and only to one.
    case targetNotFloatingPoint(DType)

    public var description: String {
        switch self {
        case let .targetNotFloatingPoint(dtype):
            let targets = DType.allCases.filter(\.isFloatingPoint).map(\.rawValue).joined(separator: ", ")
            return "cannot cast to \(dtype): floating-point tensors are cast only to a floating-point dtype (\(targets))"
        }
    }
}
