/// A parameter's value as mergekit's configuration gives it: a number or a boolean (or one of the
/// words a parameter accepts: `rescale: density`); a list of numbers interpolated over the layers
/// (a gradient); or conditions, each a `filter` (a substring of the tensor name; none, or `*`,
/// matches every tensor) and a value, the first match winning.
public indirect enum ParameterSetting: Sendable, Equatable {
    case number(Double)
    case boolean(Bool)
    /// One of the words a parameter accepts (`ParameterKind.choice`).
    case word(String)
    /// Values at evenly spaced layer positions t ∈ [0, 1], interpolated linearly between.
    case gradient([Double])
    case conditions([Condition])

    /// One `filter`/`value` pair.
    public struct Condition: Sendable, Equatable {
        /// The substring a tensor's name must contain; nil matches every tensor.
        public let filter: String?
        public let value: ParameterSetting
    }

    /// A parameter's value for one tensor.
    public enum Value: Equatable {
        case number(Double)
        case boolean(Bool)
        /// One of the words the parameter accepts.
        case word(String)
    }

    /// The value for tensor `name` at layer position `t`, as mergekit's `evaluate_setting`: nil when
    /// no condition matches (the parameter then falls back to the next level, or its default).
    public func value(forTensor name: String, at t: Double) -> Value? {
        switch self {
        case let .number(number): return .number(number)
        case let .boolean(boolean): return .boolean(boolean)
        case let .word(word): return .word(word)
        case let .gradient(values):
            let scaled = t * Double(values.count - 1)
            let lower = Int(scaled)
            let upper = min(values.count - 1, lower + 1)
            let fraction = scaled - Double(lower)
            return .number((1 - fraction) * values[lower] + fraction * values[upper])
        case let .conditions(conditions):
            for condition in conditions {
                guard let filter = condition.filter, filter != "*" else { return condition.value.value(forTensor: name, at: t) }
                if name.contains(filter) { return condition.value.value(forTensor: name, at: t) }
            }
            return nil
        }
    }
}
