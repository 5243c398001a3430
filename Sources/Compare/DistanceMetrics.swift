import Foundation

/// How far one checkpoint (or one tensor of it) is from another: θA is the pair's first input,
/// θB the second, θ0 the base.
public struct DistanceMetrics: Sendable, Equatable {
    /// ‖θA − θB‖.
    public let l2Distance: Double
    /// max |θA − θB| (NaN when a difference is NaN; 0 for empty tensors).
    public let maxAbsoluteDifference: Double
    /// ‖θA − θB‖ / ‖θA‖, or nil when ‖θA‖ = 0.
    public let relativeChange: Double?
    /// cos∠(θA − θ0, θB − θ0), or nil without a base or when either input equals the base.
    public let cosineFromBase: Double?

    /// The angle between (θA − θ0) and (θB − θ0) in degrees, or nil when the cosine is.
    public var angleFromBaseDegrees: Double? {
        cosineFromBase.map { acos(min(1, max(-1, $0))) * 180 / Double.pi }
    }
}
