import Soup
import TureenCore
import Yams

/// Turns the YAML nodes of a configuration into values, each error naming the file and the key's
/// path (`models[1].parameters.weight`).
struct ConfigurationReader {
    let path: String

    /// The top-level keys mergekit has that Tureen refuses, with why.
    static let unsupportedKeys = [
        "slices": "layer slices are not supported; list whole models under 'models'",
        "modules": "per-module merges are not supported; list whole models under 'models'",
        "tokenizer_source": "tokenizer merging is not supported: Tureen merges tensors only (copy the tokenizer files yourself)",
        "tokenizer": "tokenizer merging is not supported: Tureen merges tensors only (copy the tokenizer files yourself)",
        "chat_template": "Tureen writes tensors only, not tokenizer or chat template files",
    ]
    static let supportedKeys: Set = ["models", "base_model", "merge_method", "parameters", "dtype", "out_dtype"]

    func keyedValues(_ mapping: Node.Mapping, at location: String) throws -> [String: Node] {
        var values: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar = keyNode, let key = keyNode.string else { throw invalid(location.isEmpty ? "(top level)" : location, "a mapping with string keys") }
            if key == "<<" {
                throw MergeConfigurationError.unsupportedKey(
                    path: path, key: location.isEmpty ? key : "\(location).\(key)", reason: "YAML merge keys are not supported; write the keys out")
            }
            values[key] = value
        }
        return values
    }

    /// YAML's own types, the only tags read (mergekit reads its configuration with PyYAML's
    /// `safe_load`, which refuses the others, such as `!!python/object`).
    static let yamlTypes: Set<String> = Set(
        ([.str, .int, .float, .bool, .null, .seq, .map, .merge, .timestamp, .binary, .omap, .pairs, .set, .value] as [Tag.Name]).map(\.rawValue))

    /// At most this many values are looked at for their tags: a configuration holds a few hundred,
    /// and aliases (`*a`) repeated in lists of aliases can expand a small file to billions.
    static let valueLimit = 100_000

    /// Refuses a node under `node` (at `location`, `node` included) tagged with a type that is not
    /// YAML's own: it would otherwise be read by its text, its tag ignored. `visited` counts the
    /// values looked at, up to `valueLimit`.
    func refuseForeignTags(_ node: Node, at location: String, visited: inout Int) throws {
        visited += 1
        guard visited <= Self.valueLimit else {
            throw MergeConfigurationError.notYAML(path: path, problem: "it holds more than \(Self.valueLimit) values once its aliases are expanded; a merge configuration holds a few hundred")
        }
        guard Self.yamlTypes.contains(node.tag.rawValue) else {
            throw MergeConfigurationError.unsupportedKey(
                path: path, key: location.isEmpty ? "(top level)" : location,
                reason: "its YAML tag \(node.tag) is not one of YAML's own types (strings, numbers, booleans, null, lists, mappings), which mergekit's yaml.safe_load refuses too")
        }
        if let mapping = node.mapping {
            for (key, value) in mapping {
                let name = key.string.map { location.isEmpty ? $0 : "\(location).\($0)" } ?? location
                try refuseForeignTags(key, at: name, visited: &visited)
                try refuseForeignTags(value, at: name, visited: &visited)
            }
        } else if let sequence = node.sequence {
            for (index, item) in sequence.enumerated() { try refuseForeignTags(item, at: "\(location)[\(index)]", visited: &visited) }
        }
    }

    func refuseUnsupported(_ keys: [String: Node]) throws {
        for key in keys.keys.sorted() where !Self.supportedKeys.contains(key) {
            throw MergeConfigurationError.unsupportedKey(path: path, key: key, reason: Self.unsupportedKeys[key] ?? "it is not a key of mergekit's configuration that Tureen knows")
        }
    }

    func method(_ node: Node) throws -> MergeRecipe.Method {
        let name = try string(node, at: "merge_method")
        guard let method = MergeRecipe.Method(rawValue: name) else {
            let known = MergeRecipe.Method.allCases.map(\.rawValue).joined(separator: ", ")
            throw MergeConfigurationError.unsupportedKey(path: path, key: "merge_method", reason: "method '\(name)' is not one Tureen has (\(known))")
        }
        return method
    }

    func models(_ node: Node) throws -> [MergeConfiguration.Model] {
        guard let sequence = node.sequence, !sequence.isEmpty else { throw invalid("models", "a non-empty list of models") }
        return try sequence.enumerated().map { index, entry in
            let location = "models[\(index)]"
            guard let mapping = entry.mapping else { throw invalid(location, "a mapping with a 'model' key") }
            let keys = try keyedValues(mapping, at: location)
            for key in keys.keys.sorted() where key != "model" && key != "parameters" {
                throw MergeConfigurationError.unsupportedKey(path: path, key: "\(location).\(key)", reason: "a model entry takes 'model' and 'parameters' only")
            }
            guard let model = keys["model"] else { throw MergeConfigurationError.missingKey(path: path, key: "\(location).model") }
            let parameters = try present(keys["parameters"]).map { try self.parameters($0, at: "\(location).parameters") } ?? [:]
            return MergeConfiguration.Model(path: try string(model, at: "\(location).model"), parameters: parameters)
        }
    }

    /// The parameters of a mapping, each refused where it is written if it is not of its kind
    /// (`ParameterKind`); in key order, so that the first refusal is always the same.
    func parameters(_ node: Node, at location: String) throws -> [String: ParameterSetting] {
        guard let mapping = node.mapping else { throw invalid(location, "a mapping of parameter names to values") }
        var settings: [String: ParameterSetting] = [:]
        for (name, value) in try keyedValues(mapping, at: location).sorted(by: { $0.key < $1.key }) {
            settings[name] = try setting(value, at: "\(location).\(name)", kind: .of(name))
        }
        return settings
    }

    /// A value of `kind`: a number, a boolean, a word, a list of numbers, or (unless `inCondition`)
    /// a list of `filter`/`value` conditions.
    func setting(_ node: Node, at location: String, kind: ParameterKind, inCondition: Bool = false) throws -> ParameterSetting {
        let expected = kind.expected(conditions: !inCondition)
        switch node {
        case .scalar:
            if node.tag == Tag(.bool), let boolean = node.bool, kind.takesBooleans { return .boolean(boolean) }
            if node.tag == Tag(.int) || node.tag == Tag(.float), let number = node.float, kind.takesNumbers {
                return .number(try checked(number, kind: kind, at: location))
            }
            if node.tag == Tag(.str), let word = node.string, kind.words.contains(word) { return .word(word) }
            throw invalid(location, expected)
        case let .mapping(mapping):
            return .conditions([try condition(mapping, at: location, kind: kind)])
        case let .sequence(sequence):
            guard !sequence.isEmpty else { throw invalid(location, expected) }
            if sequence.allSatisfy({ $0.mapping == nil }) {
                let numbers = sequence.compactMap { $0.tag == Tag(.int) || $0.tag == Tag(.float) ? $0.float : nil }
                guard kind.takesNumbers, numbers.count == sequence.count else { throw invalid(location, expected) }
                return .gradient(try numbers.enumerated().map { index, number in try checked(number, kind: kind, at: "\(location)[\(index)]") })
            }
            return .conditions(try sequence.enumerated().map { index, item in
                guard let mapping = item.mapping else { throw invalid("\(location)[\(index)]", "a {filter, value} condition") }
                return try condition(mapping, at: "\(location)[\(index)]", kind: kind)
            })
        case .alias:
            throw invalid(location, expected)
        }
    }

    /// `number`, unless `kind` refuses it.
    private func checked(_ number: Double, kind: ParameterKind, at location: String) throws -> Double {
        if let refusal = kind.refusal(of: number) { throw invalid(location, refusal) }
        return number
    }

    private func condition(_ mapping: Node.Mapping, at location: String, kind: ParameterKind) throws -> ParameterSetting.Condition {
        let keys = try keyedValues(mapping, at: location)
        for key in keys.keys.sorted() where key != "filter" && key != "value" {
            throw MergeConfigurationError.unsupportedKey(path: path, key: "\(location).\(key)", reason: "a condition takes 'filter' and 'value' only")
        }
        guard let value = keys["value"] else { throw MergeConfigurationError.missingKey(path: path, key: "\(location).value") }
        // A null or empty filter matches every tensor, as in mergekit (`not cond.filter`).
        let filter = try present(keys["filter"]).flatMap { $0.string == "" ? nil : try string($0, at: "\(location).filter") }
        let setting = try self.setting(value, at: "\(location).value", kind: kind, inCondition: true)
        if case .conditions = setting { throw invalid("\(location).value", kind.expected(conditions: false)) }
        return ParameterSetting.Condition(filter: filter, value: setting)
    }

    func string(_ node: Node, at location: String) throws -> String {
        guard case .scalar = node, !Self.isNull(node), let text = node.string, !text.isEmpty else { throw invalid(location, "a non-empty string") }
        return text
    }

    /// mergekit's dtype names (`bfloat16`, `float16`, `float32`, with or without `torch.`), or any Tureen knows.
    func dtype(_ node: Node, at location: String) throws -> DType {
        let name = try string(node, at: location)
        let bare = name.hasPrefix("torch.") ? String(name.dropFirst("torch.".count)) : name
        guard let dtype = DType(name: bare), dtype.isFloatingPoint else { throw invalid(location, "a floating-point dtype such as bfloat16, float16 or float32, not '\(name)'") }
        return dtype
    }

    /// Whether `node` is YAML's null (`null`, `~` or nothing), which is no string.
    private static func isNull(_ node: Node) -> Bool {
        node.tag == Tag(.null)
    }

    /// The value of an optional key, nil when it is absent or null (as mergekit reads both).
    func present(_ node: Node?) -> Node? {
        node.flatMap { Self.isNull($0) ? nil : $0 }
    }

    func invalid(_ location: String, _ expected: String) -> MergeConfigurationError {
        .invalidValue(path: path, key: location, expected: expected)
    }
}
