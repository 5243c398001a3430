import CHDF5
import TureenCore

/// Builds the HDF5 datatypes Tureen writes, matching what h5py writes for the same NumPy dtypes:
/// little-endian integers and IEEE floats, bool as an enum over int8 (`FALSE`, `TRUE`), complex as
/// a compound `{r, i}`, and bf16/f8 (which HDF5 lacks) as opaque bytes whose true dtype is recorded
/// in a `dtype` attribute (see `opaqueDTypeName`).
enum HDF5TypeFactory {
    /// The value of the `dtype` attribute for dtypes stored as opaque bytes (Keras 3 and ml_dtypes names).
    static func opaqueDTypeName(_ dtype: DType) -> String? {
        switch dtype {
        case .bf16: return "bfloat16"
        case .f8E4M3: return "float8_e4m3fn"
        case .f8E5M2: return "float8_e5m2"
        default: return nil
        }
    }

    /// The file datatype for `dtype`.
    ///
    /// - Throws: `HDF5Error.library` if libhdf5 refuses to build it.
    static func fileType(for dtype: DType, file: String, object: String) throws -> HDF5Handle {
        func made(_ id: hid_t) throws -> HDF5Handle { try HDF5Handle(id, "create the \(dtype) datatype", file: file, object: object) }
        func check(_ status: herr_t) throws { try HDF5Library.check(status, "create the \(dtype) datatype", file: file, object: object) }
        switch dtype {
        case .bool:
            let type = try made(H5Tenum_create(tureen_H5T_STD_I8LE()))
            for (name, value) in [("FALSE", Int8(0)), ("TRUE", Int8(1))] {
                var value = value
                try check(H5Tenum_insert(type.id, name, &value))
            }
            return type
        case .u8: return try made(H5Tcopy(tureen_H5T_STD_U8LE()))
        case .i8: return try made(H5Tcopy(tureen_H5T_STD_I8LE()))
        case .u16: return try made(H5Tcopy(tureen_H5T_STD_U16LE()))
        case .i16: return try made(H5Tcopy(tureen_H5T_STD_I16LE()))
        case .u32: return try made(H5Tcopy(tureen_H5T_STD_U32LE()))
        case .i32: return try made(H5Tcopy(tureen_H5T_STD_I32LE()))
        case .u64: return try made(H5Tcopy(tureen_H5T_STD_U64LE()))
        case .i64: return try made(H5Tcopy(tureen_H5T_STD_I64LE()))
        case .f16:
            // As h5py builds IEEE binary16: shrink a copy of binary32 and re-place its fields.
            let type = try made(H5Tcopy(tureen_H5T_IEEE_F32LE()))
            try check(H5Tset_fields(type.id, 15, 10, 5, 0, 10))
            try check(H5Tset_size(type.id, 2))
            try check(H5Tset_ebias(type.id, 15))
            return type
        case .f32: return try made(H5Tcopy(tureen_H5T_IEEE_F32LE()))
        case .f64: return try made(H5Tcopy(tureen_H5T_IEEE_F64LE()))
        case .bf16, .f8E4M3, .f8E5M2: return try made(H5Tcreate(H5T_OPAQUE, dtype.byteWidth))
        case .c64: return try complex(component: .f32, file: file, object: object)
        case .c128: return try complex(component: .f64, file: file, object: object)
        }
    }

    /// h5py's little-endian complex compound: two `component` floats, `r` then `i`.
    static func complex(component: DType, file: String, object: String) throws -> HDF5Handle {
        let width = component.byteWidth
        let type = try HDF5Handle(H5Tcreate(H5T_COMPOUND, 2 * width), "create a complex datatype", file: file, object: object)
        let member = component == .f32 ? tureen_H5T_IEEE_F32LE() : tureen_H5T_IEEE_F64LE()
        try HDF5Library.check(H5Tinsert(type.id, "r", 0, member), "create a complex datatype", file: file, object: object)
        try HDF5Library.check(H5Tinsert(type.id, "i", width, member), "create a complex datatype", file: file, object: object)
        return type
    }
}
