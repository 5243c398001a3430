/// What values a configuration parameter takes, as mergekit 0.1.5's methods read it: the reader
/// refuses any other value where it is written (`models[0].parameters.density[1]`), before any model
/// is opened.
enum ParameterKind: Equatable {
    /// A number (a weight, λ, t), or a list of numbers over the layers.
    case number
    /// A number from 0 to 1 (a density), or a list of them.
    case fraction
    /// true or false.
    case boolean
    /// true, false or one of these words (`rescale`).
    case choice([String])
    /// A parameter no method reads, refused afterwards by name: a number, a boolean or a list of numbers.
    case unknown

    /// The kind of the parameter `name`.
    static func of(_ name: String) -> ParameterKind {
        switch name {
        case "weight", "lambda", "t": .number
        case "density": .fraction
        case "normalize", "filter_wise": .boolean
        case "rescale": .choice(MergeConfiguration.rescaleWords.keys.sorted())
        default: .unknown
        }
    }

    var takesNumbers: Bool { self == .number || self == .fraction || self == .unknown }
    var takesBooleans: Bool { !(self == .number || self == .fraction) }
    var words: [String] { if case let .choice(words) = self { words } else { [] } }

    /// What `number` should have been, if it is refused: a finite number, and for a fraction one from
    /// 0 to 1.
    func refusal(of number: Double) -> String? {
        guard number.isFinite else { return "a finite number, not \(number)" }
        if self == .fraction, !(0...1).contains(number) { return "a fraction from 0 to 1, not \(number)" }
        return nil
    }

    /// What a value may be; where a parameter is given (not inside a condition), conditions too.
    func expected(conditions: Bool) -> String {
        let values = switch self {
        case .number: ["a number", "a list of numbers"]
        case .fraction: ["a number from 0 to 1", "a list of such numbers"]
        case .boolean: ["true", "false"]
        case let .choice(words): ["true", "false"] + words.map { "'\($0)'" }
        case .unknown: ["a number", "a boolean", "a list of numbers"]
        }
        guard conditions else { return values.dropLast().joined(separator: ", ") + " or " + values[values.count - 1] }
        return (values + ["or a list of {filter, value} conditions"]).joined(separator: ", ")
    }
}
