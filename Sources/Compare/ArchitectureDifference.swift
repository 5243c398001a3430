import TureenCore

/// One way in which checkpoints differ in their layout. Per-input arrays follow the order of the
/// compared inputs, with nil where an input lacks the tensor or key.
public enum ArchitectureDifference: Sendable, Hashable {
    /// A tensor some inputs have and the inputs at positions `missingFrom` lack.
    case missing(name: String, missingFrom: [Int])
    /// A tensor whose shape is not the same in every input that has it.
    case shape(name: String, shapes: [[Int]?])
    /// A tensor whose dtype is not the same in every input that has it.
    case dtype(name: String, dtypes: [DType?])
    /// A metadata key whose value is not the same in every input (or that some inputs lack).
    case metadata(key: String, values: [String?])

    /// The kinds of difference, in the order reports list them.
    public enum Kind: String, Sendable, Codable, CaseIterable, Comparable {
        case missing, shape, dtype, metadata

        public static func < (lhs: Kind, rhs: Kind) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// Which kind of difference this is.
    public var kind: Kind {
        switch self {
        case .missing: return .missing
        case .shape: return .shape
        case .dtype: return .dtype
        case .metadata: return .metadata
        }
    }

    /// The tensor name, or the metadata key.
    public var name: String {
        switch self {
        case let .missing(name, _), let .shape(name, _), let .dtype(name, _): return name
        case let .metadata(key, _): return key
        }
    }

    /// What differs, without the name, naming inputs by `labels`: `shape [4, 3] vs [5, 3]`,
    /// `missing from b.safetensors`. Equal details group in reports.
    public func detail(labels: [String]) -> String {
        switch self {
        case let .missing(_, missingFrom):
            return "missing from " + missingFrom.map { labels[$0] }.joined(separator: ", ")
        case let .shape(_, shapes):
            return "shape " + Self.compare(shapes.map { $0.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" } }, labels: labels)
        case let .dtype(_, dtypes):
            return "dtype " + Self.compare(dtypes.map { $0?.rawValue }, labels: labels)
        case let .metadata(_, values):
            return "metadata value " + Self.compare(values.map { $0.map { "'" + Self.shortened($0) + "'" } ?? "(absent)" }, labels: labels)
        }
    }

    /// `A vs B` for two inputs; `A in x, y; B in z` for more (inputs with nil are left out).
    private static func compare(_ values: [String?], labels: [String]) -> String {
        if values.count == 2, let first = values[0], let second = values[1] { return "\(first) vs \(second)" }
        var order: [String] = []
        var holders: [String: [String]] = [:]
        for (position, value) in values.enumerated() {
            guard let value else { continue }
            if holders[value] == nil { order.append(value) }
            holders[value, default: []].append(labels[position])
        }
        return order.map { "\($0) in " + (holders[$0] ?? []).joined(separator: ", ") }.joined(separator: "; ")
    }

    private static func shortened(_ text: String) -> String {
        let flat = String(text.map { $0.isNewline ? " " : $0 })
        return flat.count <= 60 ? flat : String(flat.prefix(57)) + "..."
    }
}
