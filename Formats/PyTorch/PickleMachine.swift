import TureenCore

/// A symbolic pickle machine for the subset of protocol 2 that `torch.save` writes. It never runs
/// code: GLOBAL resolves only names `TorchGlobal` knows, REDUCE applies only those, and every other
/// opcode is refused. One machine reads one pickle; call `tearDown()` when done with its values.
final class PickleMachine {
    private let path: String
    private let limits: PickleLimits
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private var objects = 0
    private var encodedBytes = 0
    /// The storages persistent ids named, by key.
    private(set) var storages: [String: StorageReference] = [:]
    /// Every container built, so `tearDown()` can empty them without recursion (and break cycles).
    private var containers: [AnyObject] = []

    /// A machine reading the pickle of `path` (for messages).
    init(path: String, limits: PickleLimits = .standard) {
        self.path = path
        self.limits = limits
    }

    /// Empties every list and dict built, iteratively: releasing a 100k-deep chain recursively
    /// would overflow the stack, and a self-referencing list would never be released.
    func tearDown() {
        for container in containers {
            if let list = container as? PickleList { list.items = [] }
            if let dict = container as? PickleDict { dict.entries = [] }
        }
        containers = []
        stack = []
        memo = [:]
    }

    /// Runs the pickle starting at `start` in `bytes` up to its STOP; `load`, when given, is called
    /// with each range before it is read (for a view filled on demand).
    ///
    /// - Returns: the value and the offset just past STOP.
    /// - Throws: `PyTorchError` for a refused global or opcode, a malformed stream or a bound exceeded.
    func run(
        _ bytes: UnsafeRawBufferPointer, from start: Int, load: ((Range<Int>) throws -> Void)? = nil
    ) throws -> (value: PickleValue, end: Int) {
        var reader = PickleReader(bytes: bytes, position: start, path: path, load: load)
        while true {
            let opcodeOffset = reader.position
            let opcode = try reader.byte()
            switch opcode {
            case 0x80: _ = try reader.byte()  // PROTO
            case UInt8(ascii: "."):  // STOP
                guard let value = stack.popLast(), stack.isEmpty, marks.isEmpty else {
                    throw bad(opcodeOffset, "STOP with \(stack.count) values on the stack")
                }
                return (value, reader.position)
            case UInt8(ascii: "c"):  // GLOBAL
                let module = try reader.line()
                let name = try reader.line()
                guard let global = TorchGlobal.resolve(module: module, name: name) else {
                    throw PyTorchError.forbiddenGlobal(path: path, global: "\(module).\(name)", reason: TorchGlobal.refusalReason(module: module, name: name))
                }
                try push(.global(global))
            case UInt8(ascii: "q"): try put(Int(try reader.byte()), at: opcodeOffset)
            case UInt8(ascii: "r"): try put(Int(try reader.u32()), at: opcodeOffset)
            case UInt8(ascii: "h"): try get(Int(try reader.byte()), at: opcodeOffset)
            case UInt8(ascii: "j"): try get(Int(try reader.u32()), at: opcodeOffset)
            case UInt8(ascii: "("): marks.append(stack.count)
            case UInt8(ascii: "t"): try push(try tuple(try popToMark(opcodeOffset), at: opcodeOffset))
            case 0x85, 0x86, 0x87:
                let items = try pop(Int(opcode - 0x84), at: opcodeOffset)
                try push(try tuple(items, at: opcodeOffset))
            case UInt8(ascii: ")"): try push(.tuple([], depth: 1))
            case UInt8(ascii: "}"): try push(.dict(newDict()))
            case UInt8(ascii: "]"): try push(.list(newList()))
            case 0x8F: try push(.list(newList()))  // EMPTY_SET, read as a list
            case UInt8(ascii: "s"):
                let pair = try pop(2, at: opcodeOffset)
                try setItems(pair, at: opcodeOffset)
            case UInt8(ascii: "u"): try setItems(try popToMark(opcodeOffset), at: opcodeOffset)
            case UInt8(ascii: "a"): try append(try pop(1, at: opcodeOffset), at: opcodeOffset)
            case UInt8(ascii: "e"), 0x90: try append(try popToMark(opcodeOffset), at: opcodeOffset)  // APPENDS, ADDITEMS
            case UInt8(ascii: "X"):
                let count = Int(try reader.u32())
                try push(.string(try reader.utf8(count)))
            case UInt8(ascii: "U"):
                let count = Int(try reader.byte())
                try push(.string(String(decoding: try reader.bytes(count).map { UInt16($0) }, as: UTF16.self)))
            case UInt8(ascii: "K"): try push(.int(Int(try reader.byte())))
            case UInt8(ascii: "M"): try push(.int(Int(try reader.u16())))
            case UInt8(ascii: "J"): try push(.int(Int(Int32(bitPattern: try reader.u32()))))
            case 0x8A: try push(try long(Int(try reader.byte()), reader: &reader))
            case UInt8(ascii: "G"): try push(.float(Double(bitPattern: try reader.u64BigEndian())))
            case 0x88: try push(.bool(true))
            case 0x89: try push(.bool(false))
            case UInt8(ascii: "N"): try push(.none)
            case UInt8(ascii: "R"):
                let pair = try pop(2, at: opcodeOffset)
                try push(try reduce(pair[0], pair[1], at: opcodeOffset))
            case UInt8(ascii: "b"):
                let pair = try pop(2, at: opcodeOffset)
                try build(pair[0], at: opcodeOffset)
                try push(pair[0])
            case UInt8(ascii: "Q"):
                let pid = try pop(1, at: opcodeOffset)[0]
                try push(.storage(try persistentStorage(pid, at: opcodeOffset)))
            default:
                throw PyTorchError.unsupportedOpcode(path: path, opcode: opcode, offset: opcodeOffset)
            }
        }
    }

    // MARK: Stack and memo

    private func push(_ value: PickleValue) throws {
        try charge(1)
        stack.append(value)
    }

    /// Counts `count` values built or copied against the budget.
    private func charge(_ count: Int) throws {
        objects += count
        guard objects <= limits.maximumObjects else {
            throw PyTorchError.pickleTooLarge(path: path, detail: "it builds or copies more than \(limits.maximumObjects) values")
        }
    }

    private func pop(_ count: Int, at offset: Int) throws -> [PickleValue] {
        guard stack.count - count >= (marks.last ?? 0) else { throw bad(offset, "the stack has too few values") }
        let items = Array(stack.suffix(count))
        stack.removeLast(count)
        return items
    }

    private func popToMark(_ offset: Int) throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw bad(offset, "no MARK to pop to") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private func put(_ index: Int, at offset: Int) throws {
        guard let top = stack.last, stack.count > (marks.last ?? 0) else { throw bad(offset, "memoizing an empty stack") }
        guard index <= limits.maximumMemoIndex else {
            throw PyTorchError.pickleTooLarge(path: path, detail: "memo index \(index) exceeds \(limits.maximumMemoIndex)")
        }
        memo[index] = top
    }

    private func get(_ index: Int, at offset: Int) throws {
        guard let value = memo[index] else { throw bad(offset, "memo entry \(index) is used before it is defined") }
        try push(value)
    }

    private func newList() -> PickleList {
        let list = PickleList()
        containers.append(list)
        return list
    }

    private func newDict() -> PickleDict {
        let dict = PickleDict()
        containers.append(dict)
        return dict
    }

    private func checkedDepth(_ depth: Int) throws -> Int {
        guard depth <= limits.maximumDepth else {
            throw PyTorchError.pickleTooLarge(path: path, detail: "containers nest more than \(limits.maximumDepth) deep")
        }
        return depth
    }

    private func tuple(_ items: [PickleValue], at offset: Int) throws -> PickleValue {
        .tuple(items, depth: try checkedDepth(1 + (items.map(\.depth).max() ?? 0)))
    }

    private func setItems(_ items: [PickleValue], at offset: Int) throws {
        guard items.count % 2 == 0 else { throw bad(offset, "SETITEMS with an odd number of values") }
        guard case let .dict(dict)? = stack.last, stack.count > (marks.last ?? 0) else {
            throw bad(offset, "SETITEM(S) on \(stack.last?.summary ?? "nothing"), not a dict")
        }
        for index in stride(from: 0, to: items.count, by: 2) {
            dict.depth = try checkedDepth(max(dict.depth, items[index + 1].depth + 1))
            dict.entries.append((items[index], items[index + 1]))
        }
    }

    private func append(_ items: [PickleValue], at offset: Int) throws {
        guard case let .list(list)? = stack.last, stack.count > (marks.last ?? 0) else {
            throw bad(offset, "APPEND(S) on \(stack.last?.summary ?? "nothing"), not a list")
        }
        for item in items {
            list.depth = try checkedDepth(max(list.depth, item.depth + 1))
            list.items.append(item)
        }
    }

    private func long(_ count: Int, reader: inout PickleReader) throws -> PickleValue {
        let bytes = try reader.bytes(count)
        guard count <= 8 else { return .largeInt(byteCount: count) }
        guard count > 0 else { return .int(0) }
        var value: UInt64 = 0
        for (index, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
        if count < 8, bytes[count - 1] & 0x80 != 0 { value |= ~0 << (8 * UInt64(count)) }
        return .int(Int(Int64(bitPattern: value)))
    }

    // MARK: Applying globals

    private func reduce(_ callable: PickleValue, _ arguments: PickleValue, at offset: Int) throws -> PickleValue {
        guard case let .global(global) = callable else { throw bad(offset, "REDUCE calls \(callable.summary), not an allowed global") }
        guard case let .tuple(args, _) = arguments else { throw bad(offset, "REDUCE arguments are \(arguments.summary), not a tuple") }
        // The arguments may be memoized containers passed again and again: what is read costs each time.
        try charge(args.reduce(args.count) { $0 + $1.elementCount })
        switch global {
        case .rebuildTensorV2, .rebuildTensorV3:
            return .tensor(try TensorRecord(rebuilding: args, v3: global == .rebuildTensorV3, offset: offset, path: path))
        case .rebuildParameter, .rebuildParameterWithState, .parameter:
            guard case .tensor? = args.first else { throw bad(offset, "\(global.qualifiedName) without a tensor") }
            return args[0]
        case .orderedDict:
            let dict = newDict()
            if case let .list(pairs)? = args.first {
                for case let .tuple(pair, _) in pairs.items where pair.count == 2 {
                    dict.depth = try checkedDepth(max(dict.depth, pair[1].depth + 1))
                    dict.entries.append((pair[0], pair[1]))
                }
            }
            return .dict(dict)
        case .torchSize:
            guard case .tuple? = args.first else { throw bad(offset, "torch.Size without a tuple") }
            return args[0]
        case .torchDevice:
            return .opaque("device " + args.map(\.summary).joined(separator: ":"))
        case .codecsEncode:
            guard case let .string(text)? = args.first else { throw bad(offset, "_codecs.encode without a string") }
            encodedBytes += text.utf8.count
            guard encodedBytes <= limits.maximumEncodedBytes else {
                throw PyTorchError.pickleTooLarge(path: path, detail: "its _codecs.encode calls produce more than \(limits.maximumEncodedBytes) bytes")
            }
            return .bytes(count: text.unicodeScalars.count)
        case .builtinSet, .builtinFrozenSet:
            let list = newList()
            if case let .list(source)? = args.first {
                list.items = source.items
                list.depth = source.depth
            }
            return .list(list)
        case .builtinComplex:
            return .opaque("complex(" + args.map(\.summary).joined(separator: ", ") + ")")
        case .builtinBytearray:
            if case let .bytes(count)? = args.first { return .bytes(count: count) }
            return .bytes(count: 0)
        case .dtype, .storageType, .untypedStorage:
            throw bad(offset, "REDUCE calls \(global.qualifiedName), which is not callable here")
        }
    }

    private func build(_ target: PickleValue, at offset: Int) throws {
        switch target {
        case .tensor, .dict: return  // Parameter state and OrderedDict's `_metadata` attribute: nothing to keep.
        default: throw bad(offset, "BUILD on \(target.summary); only tensors and dicts take state")
        }
    }

    private func persistentStorage(_ pid: PickleValue, at offset: Int) throws -> StorageReference {
        guard case let .tuple(items, _) = pid, items.count == 5 || items.count == 6,
              case .string("storage") = items[0] else {
            throw bad(offset, "persistent id \(pid.summary) is not a ('storage', …) tuple")
        }
        if items.count == 6, case .none = items[5] {} else if items.count == 6 {
            throw bad(offset, "legacy storage views are not supported")
        }
        let key: String
        switch items[2] {
        case let .string(text): key = text
        case let .int(number): key = String(number)
        default: throw bad(offset, "storage key \(items[2].summary) is not a string")
        }
        guard key.utf8.count <= limits.maximumStorageKeyBytes else {
            throw bad(offset, "a storage key of \(key.utf8.count) bytes; torch's are numbers of at most \(limits.maximumStorageKeyBytes)")
        }
        guard case let .int(count) = items[4], count >= 0 else { throw bad(offset, "storage '\(key)' has length \(items[4].summary)") }
        let storage: StorageReference
        switch items[1] {
        case let .global(.storageType(dtype)): storage = StorageReference(key: key, dtype: dtype, elementCount: count, isUntyped: false)
        case .global(.untypedStorage): storage = StorageReference(key: key, dtype: .u8, elementCount: count, isUntyped: true)
        default: throw bad(offset, "storage '\(key)' has type \(items[1].summary), not a storage class")
        }
        if let earlier = storages.updateValue(storage, forKey: key), earlier != storage {
            throw bad(offset, "storage '\(key)' is declared twice, as \(earlier.elementCount) \(earlier.dtype) and \(storage.elementCount) \(storage.dtype); refusing to reinterpret bytes")
        }
        return storage
    }

    private func bad(_ offset: Int, _ detail: String) -> PyTorchError {
        .badPickle(path: path, offset: offset, detail: detail)
    }
}
