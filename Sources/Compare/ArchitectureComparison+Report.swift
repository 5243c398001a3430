extension ArchitectureComparison {
    /// Differences of one kind and detail, their names collapsed into numbered patterns.
    public struct DifferenceGroup: Sendable, Hashable {
        /// The kind of difference.
        public let kind: ArchitectureDifference.Kind
        /// The names as patterns, e.g. `model.layers.{0..31}.mlp.up_proj.weight`.
        public let patterns: [String]
        /// What differs, e.g. `shape [11008, 4096] vs [14336, 4096]`.
        public let detail: String
        /// How many tensors (or metadata keys) the group covers.
        public let count: Int
        /// Whether these differences make the inputs incompatible.
        public let isBlocking: Bool

        /// `pattern: detail`; with more than three patterns, the first three and a count.
        public var line: String {
            let shown = patterns.count <= 3 ? patterns.joined(separator: ", ")
                : patterns.prefix(3).joined(separator: ", ") + " and \(patterns.count - 3) more (\(count) in all)"
            return "\(shown): \(detail)"
        }
    }

    /// The renames normalisation made in one input by one set of rules.
    public struct RenameGroup: Sendable, Hashable {
        /// The input's label.
        public let input: String
        /// The rules applied, in order.
        public let rules: [NameNormalization.Rule]
        /// `original → normalized` for each numbered pattern of renamed names.
        public let examples: [String]
        /// How many tensors were renamed this way.
        public let count: Int

        /// `N names: rules, e.g. original → normalized`.
        public var line: String {
            let shown = examples.prefix(2).joined(separator: ", ") + (examples.count > 2 ? ", …" : "")
            return ArchitectureComparison.counted(count, "name") + ", " + rules.map(\.summary).joined(separator: ", ") + ": " + shown
        }
    }

    /// The differences grouped for people: blocking ones first, then notes; by kind, then by where
    /// their first tensor appears; names differing only in integer indices collapsed.
    public func groupedDifferences() -> [DifferenceGroup] {
        let labels = self.labels
        let items = differences.map { (name: $0.name, key: GroupKey(kind: $0.kind, detail: $0.detail(labels: labels), blocking: breaksCompatibility($0))) }
        var order: [GroupKey] = []
        var byKey: [GroupKey: (patterns: [String], count: Int)] = [:]
        for group in NumberedNameGrouping.group(items) {
            if byKey[group.key] == nil { order.append(group.key) }
            byKey[group.key, default: ([], 0)].patterns.append(group.pattern)
            byKey[group.key, default: ([], 0)].count += group.names.count
        }
        return order.enumerated()
            .sorted { ($0.element.blocking ? 0 : 1, $0.element.kind, $0.offset) < ($1.element.blocking ? 0 : 1, $1.element.kind, $1.offset) }
            .map { _, key in
                let entry = byKey[key] ?? ([], 0)
                return DifferenceGroup(kind: key.kind, patterns: entry.patterns, detail: key.detail, count: entry.count, isBlocking: key.blocking)
            }
    }

    /// The renames normalisation made, per input and set of rules, collapsed over numbered names.
    public func groupedRenames() -> [RenameGroup] {
        inputs.flatMap { input -> [RenameGroup] in
            var order: [[NameNormalization.Rule]] = []
            var byRules: [[NameNormalization.Rule]: [ComparedInput.Rename]] = [:]
            for rename in input.renames {
                if byRules[rename.rules] == nil { order.append(rename.rules) }
                byRules[rename.rules, default: []].append(rename)
            }
            return order.map { rules in
                let renames = byRules[rules] ?? []
                let normalized = Dictionary(renames.map { ($0.original, $0.normalized) }, uniquingKeysWith: { first, _ in first })
                let examples = NumberedNameGrouping.group(renames.map { (name: $0.original, key: 0) }).map { group in
                    group.pattern + " → " + NumberedNameGrouping.patterns(group.names.compactMap { normalized[$0] }).joined(separator: ", ")
                }
                return RenameGroup(input: input.label, rules: rules, examples: examples, count: renames.count)
            }
        }
    }

    /// A short report: the verdict, the grouped differences (at most `maximumGroups`, then a line
    /// counting the rest, with `omittedGroupsNote` in parentheses if given) and the renames
    /// normalisation made.
    public func report(maximumGroups: Int = 40, omittedGroupsNote: String? = nil) -> String {
        if let mismatch = ArchitectureMismatch(self) {
            return mismatch.report(maximumGroups: maximumGroups, omittedGroupsNote: omittedGroupsNote)
        }
        let precisions = storedInDifferentPrecisions ? ", stored in different precisions" : ""
        let verdict = "\(labels.joined(separator: ", ")): same architecture\(precisions) (\(Self.counted(tensorNames.count, "tensor")))"
        return Self.report(verdict: verdict, groups: groupedDifferences(), renames: groupedRenames(),
                           maximumGroups: maximumGroups, omittedGroupsNote: omittedGroupsNote)
    }

    /// The lines of a report after its verdict: groups under their headings, then renames.
    static func report(
        verdict: String, groups: [DifferenceGroup], renames: [RenameGroup], maximumGroups: Int, omittedGroupsNote: String?
    ) -> String {
        var lines = [verdict]
        for (index, group) in groups.prefix(maximumGroups).enumerated() {
            let heading = Self.heading(of: group)
            if index == 0 || heading != Self.heading(of: groups[index - 1]) { lines.append(heading) }
            lines.append("  " + group.line)
        }
        if groups.count > maximumGroups {
            lines.append("  … and \(groups.count - maximumGroups) more groups" + (omittedGroupsNote.map { " (\($0))" } ?? ""))
        }
        if !renames.isEmpty {
            lines.append("names normalised:")
            lines += renames.map { "  \($0.input): \($0.line)" }
        }
        return lines.joined(separator: "\n")
    }

    /// The heading a group is listed under: architecture differences by kind (names, shapes,
    /// dtypes), then dtypes that only say how tensors are stored, then metadata.
    private static func heading(of group: DifferenceGroup) -> String {
        switch (group.isBlocking, group.kind) {
        case (true, .missing): return "differences in tensor names:"
        case (true, .shape): return "differences in shapes:"
        case (true, _): return "differences in dtypes:"
        case (false, .dtype): return "stored in different precisions (the same architecture):"
        case (false, _): return "notes (do not affect the architecture):"
        }
    }

    /// `1 tensor`, `2 tensors`.
    static func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    private struct GroupKey: Hashable {
        let kind: ArchitectureDifference.Kind
        let detail: String
        let blocking: Bool
    }
}
