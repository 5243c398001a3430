/// The renames `--normalize-names` applies so that checkpoints saved by different frameworks can be
/// compared tensor by tensor. Rules run in this order, on every input alike:
///
/// 1. `slashPath`: a name containing `/` loses a leading `/` and has every `/` replaced by `.`
///    (`dense/kernel` → `dense.kernel`).
/// 2. `kerasPath`: a Keras 3 path `layers.<path>.vars.<i>` (first segment `layers`, last segment an
///    integer, the one before it `vars`) loses every `layers` and `vars` segment
///    (`layers/dense/vars/0` → `dense.0`, `layers/functional/layers/dense/vars/1` → `functional.dense.1`).
/// 3. `dataParallelPrefix`: leading `module.` prefixes left by data-parallel training are removed
///    (`module.module.fc.weight` → `fc.weight`).
/// 4. `modelPrefix`: one leading `model.` is removed (`model.layers.0.mlp.up_proj.weight` →
///    `layers.0.mlp.up_proj.weight`), unless that would leave nothing.
public enum NameNormalization {
    /// One rule of the normalisation.
    public enum Rule: String, Sendable, CaseIterable, Codable {
        case slashPath = "slash-path"
        case kerasPath = "keras-path"
        case dataParallelPrefix = "module-prefix"
        case modelPrefix = "model-prefix"

        /// What the rule does, for reports.
        public var summary: String {
            switch self {
            case .slashPath: return "'/' separators replaced by '.'"
            case .kerasPath: return "Keras 'layers/…/vars/i' path shortened"
            case .dataParallelPrefix: return "leading 'module.' removed"
            case .modelPrefix: return "leading 'model.' removed"
            }
        }
    }

    /// The normalised form of `name` and the rules that changed it (empty when it is unchanged).
    public static func normalize(_ name: String) -> (name: String, rules: [Rule]) {
        var current = name
        var applied: [Rule] = []
        if current.contains("/") {
            current = String(current.drop(while: { $0 == "/" })).replacingSlashes()
            applied.append(.slashPath)
        }
        let segments = current.split(separator: ".", omittingEmptySubsequences: false)
        if segments.count >= 3, segments.first == "layers", segments[segments.count - 2] == "vars", Int(segments.last ?? "") != nil {
            current = segments.filter { $0 != "layers" && $0 != "vars" }.joined(separator: ".")
            applied.append(.kerasPath)
        }
        if current.hasPrefix("module.") {
            while current.hasPrefix("module.") { current.removeFirst("module.".count) }
            applied.append(.dataParallelPrefix)
        }
        if current.hasPrefix("model."), current.count > "model.".count {
            current.removeFirst("model.".count)
            applied.append(.modelPrefix)
        }
        return (current, applied)
    }
}

private extension String {
    func replacingSlashes() -> String {
        String(map { $0 == "/" ? "." : $0 })
    }
}
