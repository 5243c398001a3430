/// The element type of a tensor: every safetensors dtype, plus complex128 for NumPy.
///
/// Raw values are the safetensors spelling (`"BF16"`, `"F8_E4M3"`), which Tureen also uses in
/// its CLI and JSON output.
public enum DType: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    case i16 = "I16"
    case u16 = "U16"
    case i32 = "I32"
    case u32 = "U32"
    case i64 = "I64"
    case u64 = "U64"
    case f16 = "F16"
    case bf16 = "BF16"
    case f32 = "F32"
    case f64 = "F64"
    case f8E4M3 = "F8_E4M3"
    case f8E5M2 = "F8_E5M2"
    case c64 = "C64"
    case c128 = "C128"

    /// The size of one element in bytes.
    public var byteWidth: Int {
        switch self {
        case .bool, .u8, .i8, .f8E4M3, .f8E5M2: return 1
        case .i16, .u16, .f16, .bf16: return 2
        case .i32, .u32, .f32: return 4
        case .i64, .u64, .f64, .c64: return 8
        case .c128: return 16
        }
    }

    /// Whether the dtype is a real floating-point type (the ones a soup averages and `--dtype` casts).
    public var isFloatingPoint: Bool {
        switch self {
        case .f16, .bf16, .f32, .f64, .f8E4M3, .f8E5M2: return true
        default: return false
        }
    }

    /// Whether the dtype is a complex type (pairs of floats, averaged component-wise).
    public var isComplex: Bool { self == .c64 || self == .c128 }

    /// Whether the dtype is an integer or boolean type, which Tureen never averages or casts.
    public var isIntegerOrBool: Bool { !isFloatingPoint && !isComplex }

    /// The real dtype of one component: the dtype itself for reals, `F32`/`F64` for complex types.
    public var componentType: DType {
        switch self {
        case .c64: return .f32
        case .c128: return .f64
        default: return self
        }
    }

    /// The number of real components per element (2 for complex types, 1 otherwise).
    public var componentsPerElement: Int { isComplex ? 2 : 1 }

    public var description: String { rawValue }

    /// Parses a dtype from its safetensors spelling or a common alias (`f32`, `bfloat16`, `float16`), case-insensitively.
    public init?(name: String) {
        let key = name.lowercased()
        if let exact = DType.allCases.first(where: { $0.rawValue.lowercased() == key }) {
            self = exact
            return
        }
        let aliases: [String: DType] = [
            "bool": .bool, "uint8": .u8, "int8": .i8, "int16": .i16, "uint16": .u16, "int32": .i32,
            "uint32": .u32, "int64": .i64, "uint64": .u64, "float16": .f16, "half": .f16,
            "bfloat16": .bf16, "float32": .f32, "float": .f32, "float64": .f64, "double": .f64,
            "float8_e4m3fn": .f8E4M3, "f8e4m3": .f8E4M3, "float8_e5m2": .f8E5M2, "f8e5m2": .f8E5M2,
            "complex64": .c64, "complex128": .c128,
        ]
        guard let alias = aliases[key] else { return nil }
        self = alias
    }
}
