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
            let parameters = try keys["parameters"].map { try self.parameters($0, at: "\(location).parameters") } ?? [:]
            return MergeConfiguration.Model(path: try string(model, at: "\(location).model"), parameters: parameters)
        }
    }

    func parameters(_ node: Node, at location: String) throws -> [String: ParameterSetting] {
        guard let mapping = node.mapping else { throw invalid(location, "a mapping of parameter names to values") }
        return try keyedValues(mapping, at: location).reduce(into: [:]) { settings, item in
            settings[item.key] = try setting(item.value, at: "\(location).\(item.key)", words: Self.words[item.key] ?? [])
        }
    }

    /// The words a parameter accepts besides numbers and booleans.
    static let words: [String: [String]] = ["rescale": MergeConfiguration.rescaleWords.keys.sorted()]

    /// What a parameter's value may be: with `words`, a boolean or one of them (a choice); without, a
    /// number, a boolean or a list of numbers; at the top level, conditions too.
    static func expectedValue(words: [String], conditions: Bool) -> String {
        let values = words.isEmpty ? ["a number", "a boolean", "a list of numbers"] : ["true", "false"] + words.map { "'\($0)'" }
        guard conditions else { return values.dropLast().joined(separator: ", ") + " or " + values[values.count - 1] }
        return (values + ["or a list of {filter, value} conditions"]).joined(separator: ", ")
    }

    /// A number, a boolean, one of `words`, a list of numbers, or (unless `inCondition`) a list of
    /// `filter`/`value` conditions.
    func setting(_ node: Node, at location: String, words: [String], inCondition: Bool = false) throws -> ParameterSetting {
        let expected = Self.expectedValue(words: words, conditions: !inCondition)
        switch node {
        case .scalar:
            if node.tag == Tag(.bool), let boolean = node.bool { return .boolean(boolean) }
            if node.tag == Tag(.int) || node.tag == Tag(.float), let number = node.float { return .number(number) }
            if node.tag == Tag(.str), let word = node.string, words.contains(word) { return .word(word) }
            throw invalid(location, expected)
        case let .mapping(mapping):
            return .conditions([try condition(mapping, at: location, words: words)])
        case let .sequence(sequence):
            guard !sequence.isEmpty else { throw invalid(location, expected) }
            if sequence.allSatisfy({ $0.mapping == nil }) {
                let numbers = sequence.compactMap { $0.tag == Tag(.int) || $0.tag == Tag(.float) ? $0.float : nil }
                guard numbers.count == sequence.count else { throw invalid(location, expected) }
                return .gradient(numbers)
            }
            return .conditions(try sequence.enumerated().map { index, item in
                guard let mapping = item.mapping else { throw invalid("\(location)[\(index)]", "a {filter, value} condition") }
                return try condition(mapping, at: "\(location)[\(index)]", words: words)
            })
        case .alias:
            throw invalid(location, expected)
        }
    }

    private func condition(_ mapping: Node.Mapping, at location: String, words: [String]) throws -> ParameterSetting.Condition {
        let keys = try keyedValues(mapping, at: location)
        for key in keys.keys.sorted() where key != "filter" && key != "value" {
            throw MergeConfigurationError.unsupportedKey(path: path, key: "\(location).\(key)", reason: "a condition takes 'filter' and 'value' only")
        }
        guard let value = keys["value"] else { throw MergeConfigurationError.missingKey(path: path, key: "\(location).value") }
        // A null filter matches every tensor, as in mergekit (`not cond.filter`).
        let filter = try keys["filter"].flatMap { Self.isNull($0) ? nil : try string($0, at: "\(location).filter") }
        let setting = try self.setting(value, at: "\(location).value", words: words, inCondition: true)
        if case .conditions = setting { throw invalid("\(location).value", Self.expectedValue(words: words, conditions: false)) }
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
    static func isNull(_ node: Node) -> Bool {
        node.tag == Tag(.null)
    }

    func invalid(_ location: String, _ expected: String) -> MergeConfigurationError {
        .invalidValue(path: path, key: location, expected: expected)
    }
}
