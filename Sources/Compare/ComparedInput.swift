import TureenCore

/// One checkpoint as a comparison sees it: its store, a label for reports, and the name each
/// tensor is compared under (its own name, or its normalised name when normalisation was asked for).
public struct ComparedInput {
    /// A tensor renamed by normalisation.
    public struct Rename: Sendable, Hashable {
        /// The name in the checkpoint.
        public let original: String
        /// The name it is compared under.
        public let normalized: String
        /// The rules that changed it, in the order they ran.
        public let rules: [NameNormalization.Rule]
    }

    /// The opened checkpoint.
    public let store: TensorStore
    /// How reports name this input (its path, unless told otherwise).
    public let label: String
    /// The renames normalisation applied; empty without normalisation.
    public let renames: [Rename]
    /// The compared name of each of `store.tensors`, in the same order.
    public let comparedNames: [String]
    private let indexByComparedName: [String: Int]

    /// Views `store` under its own tensor names, or under normalised names when `normalizingNames`.
    ///
    /// - Throws: `CompareError.normalizationCollision` if two tensors normalise to the same name.
    public init(store: TensorStore, label: String? = nil, normalizingNames: Bool = false) throws {
        self.store = store
        self.label = label ?? store.location
        var names: [String] = []
        var renames: [Rename] = []
        var index: [String: Int] = [:]
        for (position, tensor) in store.tensors.enumerated() {
            var name = tensor.info.name
            if normalizingNames {
                let normalized = NameNormalization.normalize(name)
                if !normalized.rules.isEmpty {
                    renames.append(Rename(original: name, normalized: normalized.name, rules: normalized.rules))
                    name = normalized.name
                }
            }
            if let earlier = index.updateValue(position, forKey: name) {
                throw CompareError.normalizationCollision(
                    path: store.location, first: store.tensors[earlier].info.name, second: tensor.info.name, normalized: name)
            }
            names.append(name)
        }
        self.renames = renames
        self.comparedNames = names
        self.indexByComparedName = index
    }

    /// The tensor compared under `name`, or nil.
    public func tensor(comparedAs name: String) -> StoredTensor? {
        indexByComparedName[name].map { store.tensors[$0] }
    }
}
