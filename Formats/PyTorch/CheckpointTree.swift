import TureenCore

/// Flattens a checkpoint's unpickled value into dotted tensor names, as `state_dict()` keys read:
/// dict keys and list positions joined by dots. Values that are not tensors are collected to be
/// reported, never turned into tensors or metadata.
struct CheckpointTree {
    /// The tensors in the order the pickle holds them.
    private(set) var tensors: [(name: String, record: TensorRecord)] = []
    /// The values that are not tensors (epoch, hyperparameters), with a short description.
    private(set) var nonTensorValues: [(name: String, summary: String)] = []
    private var visits = 0
    private var unreportedValues = 0
    private let limits: PickleLimits
    private let path: String

    /// Flattens `root`, keeping only the subtree `select` (a key, or a dotted path of keys) if given,
    /// and removing `stripPrefix` from the start of every name that has it.
    init(root: PickleValue, select: String?, stripPrefix: String?, limits: PickleLimits = .standard, path: String) throws {
        self.limits = limits
        self.path = path
        var start = root
        if let select {
            start = try Self.subtree(of: root, at: select, path: path)
        }
        try walk(start, name: "", depth: 0)
        if unreportedValues > 0 { nonTensorValues.append(("…", "\(unreportedValues) more non-tensor values")) }
        if let stripPrefix, !stripPrefix.isEmpty {
            tensors = tensors.map { ($0.name.hasPrefix(stripPrefix) ? String($0.name.dropFirst(stripPrefix.count)) : $0.name, $0.record) }
        }
        var seen = Set<String>()
        for tensor in tensors where !seen.insert(tensor.name).inserted {
            throw PyTorchError.duplicateName(path: path, tensor: tensor.name)
        }
    }

    private static func subtree(of root: PickleValue, at key: String, path: String) throws -> PickleValue {
        guard case let .dict(dict) = root else { throw PyTorchError.selectionNotFound(path: path, key: key, available: []) }
        let available = dict.entries.compactMap { component($0.key) }
        if let exact = dict.entries.first(where: { component($0.key) == key }) { return exact.value }
        if let dot = key.firstIndex(of: "."), let head = dict.entries.first(where: { component($0.key) == String(key[..<dot]) }) {
            return try subtree(of: head.value, at: String(key[key.index(after: dot)...]), path: path)
        }
        throw PyTorchError.selectionNotFound(path: path, key: key, available: available)
    }

    private static func component(_ key: PickleValue) -> String? {
        switch key {
        case let .string(text): return text
        case let .int(number): return String(number)
        default: return nil
        }
    }

    private mutating func walk(_ value: PickleValue, name: String, depth: Int) throws {
        visits += 1
        guard visits <= limits.maximumVisits, depth <= limits.maximumDepth else {
            throw PyTorchError.pickleTooLarge(path: path, detail: depth > limits.maximumDepth
                ? "values nest more than \(limits.maximumDepth) deep (or refer to themselves)"
                : "it reaches more than \(limits.maximumVisits) values through shared references (a memo bomb)")
        }
        func child(_ component: String) -> String { name.isEmpty ? component : name + "." + component }
        switch value {
        case let .tensor(record):
            tensors.append((name, record))
        case let .dict(dict):
            if dict.entries.isEmpty { report(name, "an empty dict") }
            for (key, item) in dict.entries {
                try walk(item, name: child(Self.component(key) ?? key.summary), depth: depth + 1)
            }
        case let .list(list):
            try walkSequence(list.items, name: name, depth: depth, describe: value.summary)
        case let .tuple(items, _):
            try walkSequence(items, name: name, depth: depth, describe: value.summary)
        default:
            report(name, value.summary)
        }
    }

    /// Lists a non-tensor value, up to `maximumReportedValues`; the rest are only counted, so a
    /// pickle full of small values cannot make the listing large.
    private mutating func report(_ name: String, _ summary: String) {
        if nonTensorValues.count < limits.maximumReportedValues {
            nonTensorValues.append((name, summary))
        } else {
            unreportedValues += 1
        }
    }

    /// Lists of tensors are named by position; a list with no tensor in it is one reported value.
    private mutating func walkSequence(_ items: [PickleValue], name: String, depth: Int, describe: String) throws {
        guard items.contains(where: { if case .tensor = $0 { return true }; return $0.depth > 0 }) else {
            report(name, items.count <= 8 ? "(" + items.map(\.summary).joined(separator: ", ") + ")" : describe)
            return
        }
        for (index, item) in items.enumerated() {
            try walk(item, name: name.isEmpty ? String(index) : name + "." + String(index), depth: depth + 1)
        }
    }
}
