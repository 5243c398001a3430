import TureenCore

/// Flattens a checkpoint's unpickled value into dotted tensor names, as `state_dict()` keys read:
/// dict keys and list positions joined by dots. Values that are not tensors are collected to be
/// reported, never turned into tensors or metadata.
struct CheckpointTree {
    /// The tensors in the order the pickle holds them.
    private(set) var tensors: [(name: String, record: TensorRecord)] = []
    /// The values that are not tensors (epoch, hyperparameters), with a short description.
    private(set) var nonTensorValues: [(name: String, summary: String)] = []
    /// The subtree kept (`select`), if one was.
    let selection: String?
    private var visits = 0
    private var nameBytes = 0
    private var unreportedValues = 0
    private let limits: PickleLimits
    private let path: String

    /// Flattens `root`, keeping only the subtree `select` (a key, or a dotted path of keys) if given,
    /// and removing `stripPrefix` from the start of every name that has it.
    init(root: PickleValue, select: String?, stripPrefix: String?, limits: PickleLimits = .standard, path: String) throws {
        self.limits = limits
        self.path = path
        self.selection = select
        var start = root
        if let select {
            start = try Self.subtree(of: root, at: select, path: path)
        }
        try walk(start, parent: "", component: "", depth: 0)
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
        case let .string(text): text
        case let .int(number): String(number)
        default: keyRepresentation(key)
        }
    }

    /// A key other than a string or an int as Python's `repr` writes it (`True`, `None`, `(1, 'a')`;
    /// floats as Swift writes them, `1.5`), so that distinct keys of these kinds get distinct names
    /// (a string key is named by its text, so a key `'None'` beside `None` makes one name twice,
    /// which is refused as such); nil for a value no dict key holds with a name of its own (a large
    /// integer, bytes, an opaque value), which is then described.
    private static func keyRepresentation(_ key: PickleValue) -> String? {
        switch key {
        case .none: return "None"
        case let .bool(value): return value ? "True" : "False"
        case let .int(number): return String(number)
        case let .float(number): return number.isNaN ? "nan" : number.isInfinite ? (number < 0 ? "-inf" : "inf") : "\(number)"
        case let .string(text): return quoted(text)
        case let .tuple(items, _):
            guard items.count <= 8 else { return nil }
            let parts = items.compactMap(keyRepresentation)
            guard parts.count == items.count else { return nil }
            return "(" + parts.joined(separator: ", ") + (parts.count == 1 ? ",)" : ")")
        default: return nil
        }
    }

    /// `text` quoted as Python's `repr` quotes a string: in single quotes unless it holds a single
    /// quote and no double one, with backslashes, the quote and line breaks and tabs escaped.
    private static func quoted(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var result = String(quote)
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case quote: result += "\\" + String(quote)
            default: result.append(character)
            }
        }
        result.append(quote)
        return result
    }

    /// Visits `value`, named `component` under `parent`. The dotted name is built only where it is
    /// used (a tensor, a listed value, a container's children), so a value past the listing costs
    /// one count however long its name.
    private mutating func walk(_ value: PickleValue, parent: String, component: String, depth: Int) throws {
        try visit(1)
        guard depth <= limits.maximumDepth else {
            throw PyTorchError.pickleTooLarge(path: path, detail: "values nest more than \(limits.maximumDepth) deep (or refer to themselves)")
        }
        switch value {
        case let .tensor(record):
            tensors.append((try join(parent, component), record))
        case let .dict(dict) where dict.entries.isEmpty:
            try report(parent, component, "an empty dict")
        case let .dict(dict):
            let name = try join(parent, component)
            for (key, item) in dict.entries {
                try walk(item, parent: name, component: Self.component(key) ?? key.summary, depth: depth + 1)
            }
        case let .list(list):
            try walkSequence(list.items, parent: parent, component: component, depth: depth, describe: value.summary)
        case let .tuple(items, _):
            try walkSequence(items, parent: parent, component: component, depth: depth, describe: value.summary)
        default:
            try report(parent, component, value.summary)
        }
    }

    /// Counts `count` values looked at against the budget.
    private mutating func visit(_ count: Int) throws {
        visits += count
        guard visits <= limits.maximumVisits else {
            throw PyTorchError.pickleTooLarge(path: path, detail: "it reaches more than \(limits.maximumVisits) values through shared references (a memo bomb)")
        }
    }

    /// The dotted name of `component` under `parent`, counted against the names' budget.
    private mutating func join(_ parent: String, _ component: String) throws -> String {
        let joined = parent.isEmpty ? component : parent + "." + component
        nameBytes += joined.utf8.count
        guard nameBytes <= limits.maximumNameBytes else {
            throw PyTorchError.pickleTooLarge(path: path, detail: "its names, joined by dots, add up to more than \(limits.maximumNameBytes) bytes")
        }
        return joined
    }

    /// Lists a non-tensor value, up to `maximumReportedValues`; the rest are only counted, so a
    /// pickle full of small values cannot make the listing large.
    private mutating func report(_ parent: String, _ component: String, _ summary: @autoclosure () -> String) throws {
        guard nonTensorValues.count < limits.maximumReportedValues else {
            unreportedValues += 1
            return
        }
        nonTensorValues.append((try join(parent, component), summary()))
    }

    /// Lists of tensors are named by position; a list with no tensor in it is one reported value,
    /// whose look through costs its length (it is looked through again at every reference).
    private mutating func walkSequence(_ items: [PickleValue], parent: String, component: String, depth: Int, describe: @autoclosure () -> String) throws {
        guard items.contains(where: { if case .tensor = $0 { return true }; return $0.depth > 0 }) else {
            try visit(items.count)
            try report(parent, component, items.count <= 8 ? "(" + items.map(\.summary).joined(separator: ", ") + ")" : describe())
            return
        }
        let name = try join(parent, component)
        for (index, item) in items.enumerated() {
            try walk(item, parent: name, component: String(index), depth: depth + 1)
        }
    }
}
