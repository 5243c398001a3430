import CHDF5
import TureenCore

/// A dataset's element type as Tureen sees it: the dtype, whether the stored bytes already are the
/// tensor's little-endian bytes (so they can be served zero-copy), and the memory type that makes
/// `H5Dread` produce those bytes when they are not.
struct HDF5ElementType {
    /// The tensor dtype.
    let dtype: DType
    /// Whether the file's bytes are exactly the tensor's bytes (little-endian or byte-sized, no padding).
    let isRawLittleEndian: Bool
    /// The type to read into: the little-endian counterpart of the file type.
    let memoryType: HDF5Handle

    /// Classifies `type`, the datatype of dataset `dataset` at `object` in `file`. Opaque types
    /// take their dtype from the dataset's `dtype` attribute (Keras 3's convention), else from
    /// `options.assumedVoidType(byteWidth:)`.
    ///
    /// - Throws: `HDF5Error.unsupportedType` for types that are not tensors (strings,
    ///   variable-length, references, compounds and enums other than h5py's complex and bool,
    ///   unusual float layouts), `.untypedOpaque` for opaque data with no dtype attribute and no
    ///   assumed dtype of its width, `.library` on errors.
    static func classify(_ type: hid_t, dataset: hid_t, file: String, object: String, options: ReadOptions) throws -> HDF5ElementType {
        let size = H5Tget_size(type)
        let typeClass = H5Tget_class(type)
        let isLittleEndian = H5Tget_order(type) != H5T_ORDER_BE
        func unsupported(_ detail: String) -> HDF5Error { .unsupportedType(path: file, object: object, detail: detail) }
        func copy(_ source: hid_t) throws -> HDF5Handle { try HDF5Handle(H5Tcopy(source), "copy a datatype", file: file, object: object) }

        switch typeClass {
        case H5T_INTEGER:
            let signed = H5Tget_sign(type) == H5T_SGN_2
            guard H5Tget_precision(type) == size * 8, H5Tget_offset(type) == 0, let dtype = integerType(bytes: size, signed: signed) else {
                throw unsupported("\(size * 8)-bit integers with padding bits or of an unusual width are not tensor elements")
            }
            return HDF5ElementType(dtype: dtype, isRawLittleEndian: isLittleEndian, memoryType: try copy(littleEndianInteger(dtype)))
        case H5T_FLOAT:
            guard let dtype = floatType(type) else {
                throw unsupported("a \(size * 8)-bit float whose bit layout is not IEEE binary16/32/64 or bfloat16")
            }
            let memory = try copy(type)
            try HDF5Library.check(H5Tset_order(memory.id, H5T_ORDER_LE), "set a byte order", file: file, object: object)
            return HDF5ElementType(dtype: dtype, isRawLittleEndian: isLittleEndian, memoryType: memory)
        case H5T_ENUM:
            try checkBooleanEnum(type, file: file, object: object)
            return HDF5ElementType(dtype: .bool, isRawLittleEndian: true, memoryType: try copy(type))
        case H5T_OPAQUE:
            let recorded = try HDF5Attributes.strings(of: dataset, named: "dtype", file: file, object: object)?.first
            let dtype = recorded.flatMap(DType.init(name:)) ?? (recorded == nil ? options.assumedVoidType(byteWidth: size) : nil)
            guard let dtype, dtype.byteWidth == size, dtype == .bf16 || dtype == .f8E4M3 || dtype == .f8E5M2 else {
                guard let recorded else { throw HDF5Error.untypedOpaque(path: file, object: object, byteWidth: size) }
                throw unsupported("\(size)-byte opaque data with dtype attribute '\(recorded)'")
            }
            return HDF5ElementType(dtype: dtype, isRawLittleEndian: true, memoryType: try copy(type))
        case H5T_COMPOUND:
            return try complexType(type, file: file, object: object)
        default:
            throw unsupported("its elements are \(className(typeClass, variable: H5Tis_variable_str(type) > 0)), not numbers")
        }
    }

    private static func integerType(bytes: Int, signed: Bool) -> DType? {
        switch (bytes, signed) {
        case (1, true): return .i8
        case (1, false): return .u8
        case (2, true): return .i16
        case (2, false): return .u16
        case (4, true): return .i32
        case (4, false): return .u32
        case (8, true): return .i64
        case (8, false): return .u64
        default: return nil
        }
    }

    private static func littleEndianInteger(_ dtype: DType) -> hid_t {
        switch dtype {
        case .i8: return tureen_H5T_STD_I8LE()
        case .u8: return tureen_H5T_STD_U8LE()
        case .i16: return tureen_H5T_STD_I16LE()
        case .u16: return tureen_H5T_STD_U16LE()
        case .i32: return tureen_H5T_STD_I32LE()
        case .u32: return tureen_H5T_STD_U32LE()
        case .i64: return tureen_H5T_STD_I64LE()
        default: return tureen_H5T_STD_U64LE()
        }
    }

    /// The float layouts Tureen knows: (size, sign, exponent position and size, mantissa position and size, bias).
    private static let floatLayouts: [(dtype: DType, fields: [Int], bias: Int)] = [
        (.f16, [2, 15, 10, 5, 0, 10], 15),
        (.bf16, [2, 15, 7, 8, 0, 7], 127),
        (.f32, [4, 31, 23, 8, 0, 23], 127),
        (.f64, [8, 63, 52, 11, 0, 52], 1023),
    ]

    /// The dtype of an IEEE float (or bfloat16) type, or nil for any other bit layout.
    static func floatType(_ type: hid_t) -> DType? {
        var sign = 0, exponentPosition = 0, exponentSize = 0, mantissaPosition = 0, mantissaSize = 0
        guard H5Tget_fields(type, &sign, &exponentPosition, &exponentSize, &mantissaPosition, &mantissaSize) >= 0 else { return nil }
        let fields = [H5Tget_size(type), sign, exponentPosition, exponentSize, mantissaPosition, mantissaSize]
        let bias = H5Tget_ebias(type)
        return floatLayouts.first { $0.fields == fields && $0.bias == bias }?.dtype
    }

    private static func className(_ typeClass: H5T_class_t, variable: Bool) -> String {
        switch typeClass {
        case H5T_STRING: return variable ? "variable-length strings" : "fixed-length strings"
        case H5T_VLEN: return "variable-length sequences"
        case H5T_REFERENCE: return "object references"
        case H5T_ARRAY: return "fixed-size arrays"
        case H5T_BITFIELD: return "bit fields"
        case H5T_TIME: return "times"
        default: return "of an unknown type class"
        }
    }
}
