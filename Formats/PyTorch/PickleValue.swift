import TureenCore

/// A value the symbolic pickle machine builds. Nothing here can run code: globals are names that
/// `TorchGlobal` resolved to one of a few known meanings, and "calling" one builds a value. Only
/// the large payloads are boxed, so ints, strings and tuples cost no allocation of their own.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer beyond 64 bits (LONG1/LONG4), kept only to be reported.
    case largeInt(byteCount: Int)
    case float(Double)
    case string(String)
    /// A `bytes` or `bytearray`, kept only to be reported.
    case bytes(count: Int)
    case tuple([PickleValue], depth: Int)
    /// Lists and dicts are reference boxes: pickles memoize a container before filling it.
    case list(PickleList)
    case dict(PickleDict)
    case global(TorchGlobal)
    case dtype(DType)
    indirect case storage(StorageReference)
    indirect case tensor(TensorRecord)
    /// A value with no tensor in it that is kept only to be reported (a `complex`, a `torch.device`).
    case opaque(String)

    /// How deeply containers nest inside this value (0 for a leaf).
    var depth: Int {
        switch self {
        case let .tuple(_, depth): return depth
        case let .list(box): return box.depth
        case let .dict(box): return box.depth
        default: return 0
        }
    }

    /// How many values the container holds (0 for a leaf): what reading it through costs.
    var elementCount: Int {
        switch self {
        case let .tuple(items, _): return items.count
        case let .list(box): return box.items.count
        case let .dict(box): return box.entries.count
        default: return 0
        }
    }

    /// A short description for `inspect` and errors, in time independent of the value's size
    /// (a memoized long string can be described at every reference).
    var summary: String {
        switch self {
        case .none: return "None"
        case let .bool(value): return value ? "True" : "False"
        case let .int(value): return String(value)
        case let .largeInt(count): return "an integer of \(count) bytes"
        case let .float(value): return String(value)
        case let .string(value): return value.utf8.count <= 60 ? "'\(value)'" : "a string of \(value.utf8.count) bytes"
        case let .bytes(count): return "\(count) bytes"
        case let .tuple(items, _): return "a tuple of \(items.count)"
        case let .list(box): return "a list of \(box.items.count)"
        case let .dict(box): return "a dict of \(box.entries.count)"
        case let .global(global): return global.qualifiedName
        case let .dtype(dtype): return "dtype \(dtype)"
        case .storage: return "a storage"
        case .tensor: return "a tensor"
        case let .opaque(text): return text
        }
    }
}

/// A list under construction or finished; a class so memoized references see later appends.
final class PickleList {
    var items: [PickleValue] = []
    var depth = 1
}

/// A dict (or `OrderedDict`) in insertion order; a class for the same reason as `PickleList`.
final class PickleDict {
    var entries: [(key: PickleValue, value: PickleValue)] = []
    var depth = 1
}

/// One storage as a persistent id names it: its key in the archive, element type and length.
struct StorageReference: Equatable {
    /// The key: `data/<key>` in a zip, the storage's position in a legacy file.
    let key: String
    /// The element type (`UntypedStorage` is bytes until the tensor says otherwise).
    let dtype: DType
    /// The number of elements.
    let elementCount: Int
    /// Whether the storage is `UntypedStorage`, whose length counts bytes.
    let isUntyped: Bool
}

/// A tensor as `_rebuild_tensor_v2/v3` describe it: a window onto a storage.
struct TensorRecord {
    let storage: StorageReference
    let dtype: DType
    let offset: Int
    let shape: [Int]
    let strides: [Int]
    /// Why the tensor cannot be read as stored (a lazy conjugate or negative view), if it cannot.
    let unsupported: String?
}
