extension ArchitectureComparison {
    /// Differences of one kind and detail whose names differ only in integer indices.
    public struct DifferenceGroup: Sendable, Hashable {
        /// The kind of difference.
        public let kind: ArchitectureDifference.Kind
        /// The names as one pattern, e.g. `model.layers.{0..31}.mlp.up_proj.weight`.
        public let pattern: String
        /// What differs, e.g. `shape [11008, 4096] vs [14336, 4096]`.
        public let detail: String
        /// How many tensors (or metadata keys) the group covers.
        public let count: Int
        /// Whether these differences make the inputs incompatible.
        public let isBlocking: Bool

        /// `pattern: detail`.
        public var line: String { "\(pattern): \(detail)" }
    }

    /// Renames one normalisation rule set made in one input, grouped by numbered names.
    public struct RenameGroup: Sendable, Hashable {
        /// The input's label.
        public let input: String
        /// The rules applied.
        public let rules: [NameNormalization.Rule]
        /// The original names as one pattern.
        public let originalPattern: String
        /// The compared names as one pattern.
        public let normalizedPattern: String
        /// How many tensors were renamed this way.
        public let count: Int

        /// `original → normalized (rules)`.
        public var line: String {
            "\(originalPattern) → \(normalizedPattern) (" + rules.map(\.summary).joined(separator: "; ") + ")"
        }
    }

    /// The differences grouped for people: blocking kinds first, then notes; numbered names collapsed.
    public func groupedDifferences() -> [DifferenceGroup] {
        let labels = self.labels
        let items = differences.map { (name: $0.name, key: GroupKey(kind: $0.kind, detail: $0.detail(labels: labels), blocking: breaksCompatibility($0))) }
        return NumberedNameGrouping.group(items)
            .map { DifferenceGroup(kind: $0.key.kind, pattern: $0.pattern, detail: $0.key.detail, count: $0.names.count, isBlocking: $0.key.blocking) }
            .enumerated()
            .sorted { ($0.element.isBlocking ? 0 : 1, $0.element.kind, $0.offset) < ($1.element.isBlocking ? 0 : 1, $1.element.kind, $1.offset) }
            .map(\.element)
    }

    /// The renames normalisation made, per input, collapsed over numbered names.
    public func groupedRenames() -> [RenameGroup] {
        inputs.flatMap { input -> [RenameGroup] in
            let byRules = NumberedNameGrouping.group(input.renames.map { (name: $0.original, key: $0.rules) })
            let normalizedByOriginal = Dictionary(input.renames.map { ($0.original, $0.normalized) }, uniquingKeysWith: { first, _ in first })
            return byRules.map { group in
                let normalized = NumberedNameGrouping.patterns(group.names.compactMap { normalizedByOriginal[$0] })
                return RenameGroup(
                    input: input.label, rules: group.key, originalPattern: group.pattern,
                    normalizedPattern: normalized.count == 1 ? normalized[0] : normalized.joined(separator: ", "), count: group.names.count)
            }
        }
    }

    /// A short report: the verdict, the grouped differences (at most `maximumGroups`, then a count
    /// of the rest) and the renames normalisation made.
    public func report(maximumGroups: Int = 40) -> String {
        let tensorCount = tensorNames.count
        var lines: [String] = []
        let inputs = labels.joined(separator: ", ")
        if isCompatible {
            lines.append("\(inputs): same architecture (\(tensorCount) tensors)")
        } else {
            let blocking = blockingDifferences.count
            lines.append("\(inputs): different architectures (\(blocking) difference\(blocking == 1 ? "" : "s") over \(tensorCount) tensor names)")
        }
        let groups = groupedDifferences()
        for (index, group) in groups.prefix(maximumGroups).enumerated() {
            if index == 0 || group.isBlocking != groups[index - 1].isBlocking {
                lines.append(group.isBlocking ? "differences:" : "notes (do not affect the architecture):")
            }
            lines.append("  " + group.line)
        }
        if groups.count > maximumGroups {
            lines.append("  … and \(groups.count - maximumGroups) more groups (--json lists every difference)")
        }
        let renames = groupedRenames()
        if !renames.isEmpty {
            lines.append("names normalised:")
            lines += renames.map { "  \($0.input): \($0.line)" }
        }
        return lines.joined(separator: "\n")
    }

    private struct GroupKey: Hashable {
        let kind: ArchitectureDifference.Kind
        let detail: String
        let blocking: Bool
    }
}
