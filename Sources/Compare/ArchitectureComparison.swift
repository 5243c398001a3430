import TureenCore

/// Whether checkpoints share an architecture: the same tensor names, shapes and dtypes in every
/// input. Metadata differences are listed but never make checkpoints incompatible.
///
/// The soup engine runs this before souping; `tureen check` prints its `report()`.
public struct ArchitectureComparison {
    /// How strictly dtypes must agree.
    public enum DTypePolicy: Sendable {
        /// Every input must store a tensor in the same dtype (`tureen check --strict-dtype`).
        case exact
        /// Real floating-point dtypes may differ: a dtype says how a tensor is stored, not what the
        /// network is (souping, `tureen check`, `tureen diff`, which read every value as Float64);
        /// a float against an integer, bool or complex dtype still may not.
        case floatingPointMayDiffer
    }

    /// The inputs, in the order given.
    public let inputs: [ComparedInput]
    /// How strictly dtypes must agree.
    public let dtypePolicy: DTypePolicy
    /// Every difference: missing tensors, shapes and dtypes in tensor order, then metadata keys.
    public let differences: [ArchitectureDifference]
    /// Every compared tensor name, in the order the inputs first list them.
    public let tensorNames: [String]

    /// Compares `inputs` (at least one).
    public init(inputs: [ComparedInput], dtypePolicy: DTypePolicy = .floatingPointMayDiffer) {
        self.inputs = inputs
        self.dtypePolicy = dtypePolicy
        var names: [String] = []
        var seen: Set<String> = []
        for input in inputs {
            for name in input.comparedNames where seen.insert(name).inserted { names.append(name) }
        }
        self.tensorNames = names
        var differences: [ArchitectureDifference] = []
        for name in names {
            let infos = inputs.map { $0.tensor(comparedAs: name)?.info }
            let missing = infos.indices.filter { infos[$0] == nil }
            if !missing.isEmpty { differences.append(.missing(name: name, missingFrom: missing)) }
            let shapes = infos.map { $0?.shape }
            if Set(shapes.compactMap { $0 }).count > 1 { differences.append(.shape(name: name, shapes: shapes)) }
            let dtypes = infos.map { $0?.dtype }
            if Set(dtypes.compactMap { $0 }).count > 1 { differences.append(.dtype(name: name, dtypes: dtypes)) }
        }
        let keys = Set(inputs.flatMap { $0.store.metadata.keys }).sorted()
        for key in keys {
            let values = inputs.map { $0.store.metadata[key] }
            if Set(values).count > 1 { differences.append(.metadata(key: key, values: values)) }
        }
        self.differences = differences
    }

    /// Compares `stores` under their own tensor names, or under normalised names.
    ///
    /// - Throws: `CompareError.normalizationCollision` when normalising maps two tensors of one store to one name.
    public init(stores: [TensorStore], normalizingNames: Bool = false, dtypePolicy: DTypePolicy = .floatingPointMayDiffer) throws {
        self.init(inputs: try stores.map { try ComparedInput(store: $0, normalizingNames: normalizingNames) }, dtypePolicy: dtypePolicy)
    }

    /// Whether some floating-point tensors are stored in different dtypes, which this comparison's
    /// policy tolerates: the same architecture, stored in different precisions.
    public var storedInDifferentPrecisions: Bool {
        differences.contains { $0.kind == .dtype && !breaksCompatibility($0) }
    }

    /// Whether the inputs share an architecture: no difference breaks compatibility.
    public var isCompatible: Bool { !differences.contains(where: breaksCompatibility) }

    /// The differences that make the inputs incompatible.
    public var blockingDifferences: [ArchitectureDifference] { differences.filter(breaksCompatibility) }

    /// The differences reported for information only (metadata, and dtypes the policy tolerates).
    public var notes: [ArchitectureDifference] { differences.filter { !breaksCompatibility($0) } }

    /// Whether `difference` makes the inputs incompatible under this comparison's dtype policy.
    public func breaksCompatibility(_ difference: ArchitectureDifference) -> Bool {
        switch difference {
        case .missing, .shape: return true
        case .metadata: return false
        case let .dtype(_, dtypes):
            switch dtypePolicy {
            case .exact: return true
            case .floatingPointMayDiffer: return !dtypes.compactMap { $0 }.allSatisfy(\.isFloatingPoint)
            }
        }
    }

    /// Throws unless the inputs share an architecture: the check to run before souping or measuring.
    ///
    /// - Throws: `CompareError.incompatibleArchitectures` with the grouped differences.
    public func requireCompatible() throws {
        if let mismatch = ArchitectureMismatch(self) { throw CompareError.incompatibleArchitectures(mismatch) }
    }

    /// The labels of the inputs, in order.
    public var labels: [String] { inputs.map(\.label) }
}
