/// Checkpoints that do not share an architecture: which inputs were compared and how they differ,
/// grouped as reports print them. `CompareError.incompatibleArchitectures` and
/// `SoupError.incompatibleIngredients` carry one, so a caller can render or inspect the differences.
public struct ArchitectureMismatch: Sendable, Hashable, CustomStringConvertible {
    /// The compared inputs' labels, in order.
    public let labels: [String]
    /// How many distinct tensor names the inputs hold between them.
    public let tensorNameCount: Int
    /// How many differences break compatibility.
    public let blockingCount: Int
    /// The differences grouped for people: blocking ones first, then notes (`groupedDifferences()`).
    public let groups: [ArchitectureComparison.DifferenceGroup]
    /// The renames name normalisation made (`groupedRenames()`).
    public let renames: [ArchitectureComparison.RenameGroup]

    /// The mismatch of an incompatible `comparison`, or nil when its inputs share an architecture.
    public init?(_ comparison: ArchitectureComparison) {
        guard !comparison.isCompatible else { return nil }
        labels = comparison.labels
        tensorNameCount = comparison.tensorNames.count
        blockingCount = comparison.blockingDifferences.count
        groups = comparison.groupedDifferences()
        renames = comparison.groupedRenames()
    }

    /// Whether every blocking difference is a tensor some inputs lack (no shape or dtype differs).
    public var onlyTensorsAreMissing: Bool {
        groups.filter(\.isBlocking).allSatisfy { $0.kind == .missing }
    }

    /// The report: the verdict, at most `maximumGroups` groups (then a line counting the rest, with
    /// `omittedGroupsNote` in parentheses if given) and the renames.
    public func report(maximumGroups: Int = 40, omittedGroupsNote: String? = nil) -> String {
        let verdict = "\(labels.joined(separator: ", ")): different architectures "
            + "(\(ArchitectureComparison.counted(blockingCount, "difference")) over \(ArchitectureComparison.counted(tensorNameCount, "tensor name")))"
        return ArchitectureComparison.report(verdict: verdict, groups: groups, renames: renames,
                                             maximumGroups: maximumGroups, omittedGroupsNote: omittedGroupsNote)
    }

    /// `report()`.
    public var description: String { report() }
}
