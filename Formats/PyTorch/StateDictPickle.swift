import TureenCore

/// The pickle of a state dict as `torch.save` would write it, in the plain protocol-2 subset that
/// `torch.load(weights_only=True)` accepts: an `OrderedDict` of `_rebuild_tensor_v2` calls (v3 with
/// an untyped storage and a dtype for float8 and unsigned 16–64-bit tensors), storage `i` holding
/// tensor `i`. No memo, frames or STACK_GLOBAL.
struct StateDictPickle {
    private(set) var bytes: [UInt8] = [0x80, 0x02]

    /// torch's storage class for each dtype that has one.
    static let storageClasses: [DType: String] = [
        .f64: "DoubleStorage", .f32: "FloatStorage", .f16: "HalfStorage", .bf16: "BFloat16Storage", .i64: "LongStorage",
        .i32: "IntStorage", .i16: "ShortStorage", .i8: "CharStorage", .u8: "ByteStorage", .bool: "BoolStorage",
        .c64: "ComplexFloatStorage", .c128: "ComplexDoubleStorage",
    ]

    /// torch's dtype names for the dtypes written through `_rebuild_tensor_v3`.
    static let untypedDTypes: [DType: String] = [
        .f8E4M3: "float8_e4m3fn", .f8E5M2: "float8_e5m2", .u16: "uint16", .u32: "uint32", .u64: "uint64",
    ]

    /// The pickle of `tensors`, in order.
    init(_ tensors: [TensorInfo]) {
        global("collections", "OrderedDict")
        bytes += [0x29, 0x52, 0x28]  // EMPTY_TUPLE REDUCE MARK
        for (index, info) in tensors.enumerated() {
            string(info.name)
            let untyped = Self.storageClasses[info.dtype] == nil
            global("torch._utils", untyped ? "_rebuild_tensor_v3" : "_rebuild_tensor_v2")
            bytes += [0x28, 0x28]  // MARK (arguments) MARK (persistent id)
            string("storage")
            if untyped { global("torch.storage", "UntypedStorage") } else { global("torch", Self.storageClasses[info.dtype]!) }
            string(String(index))
            string("cpu")
            integer(untyped ? info.byteCount : info.elementCount)
            bytes += [0x74, 0x51]  // TUPLE BINPERSID
            integer(0)
            tuple(info.shape)
            tuple(Self.contiguousStrides(info.shape))
            bytes.append(0x89)  // NEWFALSE (requires_grad)
            global("collections", "OrderedDict")
            bytes += [0x29, 0x52]  // backward hooks: OrderedDict()
            if untyped { global("torch", Self.untypedDTypes[info.dtype]!) }
            bytes += [0x74, 0x52]  // TUPLE REDUCE
        }
        bytes += [0x75, 0x2E]  // SETITEMS STOP
    }

    /// C-order strides in elements.
    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for index in shape.indices.reversed() {
            strides[index] = step
            step &*= max(shape[index], 1)
        }
        return strides
    }

    private mutating func global(_ module: String, _ name: String) {
        bytes.append(0x63)
        bytes += Array(module.utf8) + [0x0A] + Array(name.utf8) + [0x0A]
    }

    private mutating func string(_ text: String) {
        let utf8 = Array(text.utf8)
        bytes.append(0x58)
        littleEndian(UInt64(utf8.count), count: 4)
        bytes += utf8
    }

    private mutating func tuple(_ values: [Int]) {
        bytes.append(0x28)
        for value in values { integer(value) }
        bytes.append(0x74)
    }

    private mutating func integer(_ value: Int) {
        switch value {
        case 0...0xFF: bytes += [0x4B, UInt8(value)]
        case 0x100...0xFFFF: bytes.append(0x4D); littleEndian(UInt64(value), count: 2)
        case Int(Int32.min)...Int(Int32.max): bytes.append(0x4A); littleEndian(UInt64(UInt32(bitPattern: Int32(value))), count: 4)
        default: bytes += [0x8A, 8]; littleEndian(UInt64(bitPattern: Int64(value)), count: 8)
        }
    }

    private mutating func littleEndian(_ value: UInt64, count: Int) {
        for index in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }
}
