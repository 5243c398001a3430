import TensorStore

/// A tensor that some models have and others lack.
public struct MissingTensor: Sendable, Equatable {
    /// The tensor's name.
    public let name: String
    /// The locations of the models that lack it.
    public let missingFrom: [String]
}

/// Compares the tensor sets of several models: names missing from some, and shape or dtype
/// differences, reported grouped so that a many-layer model does not flood the screen.
struct IngredientCheck {
    struct Mismatch {
        let name: String
        let detail: String
    }

    let missing: [MissingTensor]
    let mismatches: [Mismatch]

    init(models: [TensorStore]) {
        var order: [String] = []
        var seen = Set<String>()
        for model in models {
            for info in model.infos where seen.insert(info.name).inserted { order.append(info.name) }
        }
        var missing: [MissingTensor] = []
        var mismatches: [Mismatch] = []
        for name in order {
            let lacking = models.filter { $0.tensor(named: name) == nil }.map(\.location)
            if !lacking.isEmpty {
                missing.append(MissingTensor(name: name, missingFrom: lacking))
                continue
            }
            let infos = models.map { $0.tensor(named: name)!.info }
            if let other = infos.firstIndex(where: { $0.shape != infos[0].shape }) {
                mismatches.append(Mismatch(name: name, detail: "shape \(infos[0].shapeDescription) in \(models[0].location) vs \(infos[other].shapeDescription) in \(models[other].location)"))
            }
            if let other = infos.firstIndex(where: { $0.dtype != infos[0].dtype }) {
                mismatches.append(Mismatch(name: name, detail: "dtype \(infos[0].dtype) in \(models[0].location) vs \(infos[other].dtype) in \(models[other].location)"))
            }
        }
        self.missing = missing
        self.mismatches = mismatches
    }

    /// One line per group of tensors with the same difference; names that differ only in numbers are folded.
    func report(includeMissing: Bool) -> String {
        var lines: [(String, String)] = mismatches.map { ($0.name, $0.detail) }
        if includeMissing {
            lines += missing.map { ($0.name, "missing from \($0.missingFrom.joined(separator: ", "))") }
        }
        return NumberedNameGrouping.group(lines).map { "  \($0.names): \($0.detail)" }.joined(separator: "\n")
    }
}
