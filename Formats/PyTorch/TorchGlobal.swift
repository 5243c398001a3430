import TureenCore

/// The globals a checkpoint's pickle may name: the few that real `torch.save` files use and torch's
/// own `weights_only` loader allows. Anything else is refused by name when the GLOBAL is read.
enum TorchGlobal: Equatable {
    case rebuildTensorV2
    case rebuildTensorV3
    case rebuildParameter
    case rebuildParameterWithState
    case parameter
    case orderedDict
    case torchSize
    case torchDevice
    case codecsEncode
    case builtinSet
    case builtinFrozenSet
    case builtinComplex
    case builtinBytearray
    case dtype(DType)
    case storageType(DType)
    case untypedStorage

    /// The name as the pickle spells it, for messages.
    var qualifiedName: String {
        switch self {
        case .rebuildTensorV2: return "torch._utils._rebuild_tensor_v2"
        case .rebuildTensorV3: return "torch._utils._rebuild_tensor_v3"
        case .rebuildParameter: return "torch._utils._rebuild_parameter"
        case .rebuildParameterWithState: return "torch._utils._rebuild_parameter_with_state"
        case .parameter: return "torch.nn.parameter.Parameter"
        case .orderedDict: return "collections.OrderedDict"
        case .torchSize: return "torch.Size"
        case .torchDevice: return "torch.device"
        case .codecsEncode: return "_codecs.encode"
        case .builtinSet: return "builtins.set"
        case .builtinFrozenSet: return "builtins.frozenset"
        case .builtinComplex: return "builtins.complex"
        case .builtinBytearray: return "builtins.bytearray"
        case let .dtype(dtype): return "torch dtype \(dtype)"
        case let .storageType(dtype): return "torch storage of \(dtype)"
        case .untypedStorage: return "torch.storage.UntypedStorage"
        }
    }

    /// Storage classes by their torch name (`torch.FloatStorage`) and element type.
    static let storageTypes: [String: DType] = [
        "DoubleStorage": .f64, "FloatStorage": .f32, "HalfStorage": .f16, "BFloat16Storage": .bf16,
        "LongStorage": .i64, "IntStorage": .i32, "ShortStorage": .i16, "CharStorage": .i8, "ByteStorage": .u8,
        "BoolStorage": .bool, "ComplexFloatStorage": .c64, "ComplexDoubleStorage": .c128,
    ]

    /// `torch.<name>` dtypes Tureen can hold.
    static let dtypes: [String: DType] = [
        "float64": .f64, "double": .f64, "float32": .f32, "float": .f32, "float16": .f16, "half": .f16,
        "bfloat16": .bf16, "int64": .i64, "long": .i64, "int32": .i32, "int": .i32, "int16": .i16, "short": .i16,
        "int8": .i8, "uint8": .u8, "bool": .bool, "complex64": .c64, "cfloat": .c64, "complex128": .c128,
        "cdouble": .c128, "float8_e4m3fn": .f8E4M3, "float8_e5m2": .f8E5M2, "uint16": .u16, "uint32": .u32,
        "uint64": .u64,
    ]

    /// The meaning of `module.name`, or nil when it is not allowed.
    static func resolve(module: String, name: String) -> TorchGlobal? {
        switch (module, name) {
        case ("torch._utils", "_rebuild_tensor_v2"): return .rebuildTensorV2
        case ("torch._utils", "_rebuild_tensor_v3"): return .rebuildTensorV3
        case ("torch._utils", "_rebuild_parameter"): return .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): return .rebuildParameterWithState
        case ("torch.nn.parameter", "Parameter"): return .parameter
        case ("collections", "OrderedDict"): return .orderedDict
        case ("torch", "Size"): return .torchSize
        case ("torch", "device"): return .torchDevice
        case ("_codecs", "encode"): return .codecsEncode
        case ("builtins", "set"), ("__builtin__", "set"): return .builtinSet
        case ("builtins", "frozenset"), ("__builtin__", "frozenset"): return .builtinFrozenSet
        case ("builtins", "complex"), ("__builtin__", "complex"): return .builtinComplex
        case ("builtins", "bytearray"), ("__builtin__", "bytearray"): return .builtinBytearray
        case ("torch.storage", "UntypedStorage"), ("torch", "UntypedStorage"): return .untypedStorage
        case ("torch", _):
            if let dtype = storageTypes[name] { return .storageType(dtype) }
            if let dtype = dtypes[name] { return .dtype(dtype) }
            return nil
        default:
            return nil
        }
    }

    /// Why a global that `resolve` refused is refused, when there is more to say than "not allowed".
    static func refusalReason(module: String, name: String) -> String {
        if module == "torch", name.hasPrefix("Q") || name.hasPrefix("qu") || name.hasPrefix("qi") {
            return "quantized tensors are not supported"
        }
        if module.hasPrefix("torch"), name.contains("sparse") || name == "_get_layout" {
            return "sparse tensors are not supported"
        }
        if module == "torch", name.hasPrefix("float8") || name.hasPrefix("float4") || name.hasPrefix("bits") || name == "complex32" {
            return "dtype torch.\(name) has no Tureen equivalent"
        }
        return "only tensor rebuild functions, storage types, dtypes, OrderedDict, torch.Size, _codecs.encode and a few builtins are allowed; Tureen never runs code from a checkpoint"
    }
}
