import CHDF5
import TureenCore

/// The two element types h5py builds out of others, accepted only exactly as h5py writes them:
/// complex numbers as a compound of two equal floats `r`, `i` (in that order), and bool as an
/// enum `FALSE = 0`, `TRUE = 1` over a 1-byte integer. Lookalikes are refused, not reinterpreted:
/// a compound of floats `x`, `y` holds no complex number, one of `i`, `r` would swap the parts,
/// and an enum `FALSE = 1`, `TRUE = 0` would invert every value.
extension HDF5ElementType {
    private static let h5pyComplex = "h5py's complex (members 'r' at offset 0 and 'i' at offset 4 or 8, two equal IEEE binary32 or binary64 floats)"
    private static let h5pyBool = "h5py's bool (FALSE = 0, TRUE = 1 over a 1-byte integer)"

    /// The element type of h5py's complex numbers, C64 or C128, for a compound `type`.
    ///
    /// - Throws: `HDF5Error.unsupportedType` for any other compound, `.library` on errors.
    static func complexType(_ type: hid_t, file: String, object: String) throws -> HDF5ElementType {
        let count = H5Tget_nmembers(type)
        guard count == 2 else {
            throw HDF5Error.unsupportedType(path: file, object: object, detail: "a compound of \(count) members, not \(h5pyComplex)")
        }
        let names = [memberName(type, 0), memberName(type, 1)]
        let unsupported = HDF5Error.unsupportedType(
            path: file, object: object, detail: "a compound of members \(names.map(shown).joined(separator: ", ")), not \(h5pyComplex)")
        guard names == ["r", "i"] else { throw unsupported }
        var parts: [(dtype: DType, littleEndian: Bool)] = []
        for member in 0..<UInt32(2) {
            let memberType = H5Tget_member_type(type, member)
            guard memberType >= 0 else { throw unsupported }
            defer { H5Tclose(memberType) }
            guard H5Tget_class(memberType) == H5T_FLOAT, let dtype = floatType(memberType), dtype == .f32 || dtype == .f64,
                  H5Tget_member_offset(type, member) == Int(member) * dtype.byteWidth else { throw unsupported }
            parts.append((dtype, H5Tget_order(memberType) != H5T_ORDER_BE))
        }
        let width = parts[0].dtype.byteWidth
        guard parts[0].dtype == parts[1].dtype, H5Tget_size(type) == 2 * width else { throw unsupported }
        let memory = try HDF5TypeFactory.complex(component: parts[0].dtype, file: file, object: object)
        return HDF5ElementType(dtype: width == 4 ? .c64 : .c128, isRawLittleEndian: parts.allSatisfy(\.littleEndian), memoryType: memory)
    }

    /// Checks that an enum `type` is h5py's bool.
    ///
    /// - Throws: `HDF5Error.unsupportedType` for any other enum.
    static func checkBooleanEnum(_ type: hid_t, file: String, object: String) throws {
        func unsupported(_ found: String) -> HDF5Error { .unsupportedType(path: file, object: object, detail: "\(found), not \(h5pyBool)") }
        let base = H5Tget_super(type)
        guard base >= 0 else { throw unsupported("an enum whose base type cannot be read") }
        defer { H5Tclose(base) }
        // H5Tget_member_value copies as many bytes as the enum type (not its base) is wide, and a
        // corrupt file can make the two differ: both must be 1 before it writes into one byte.
        let count = H5Tget_nmembers(type)
        guard H5Tget_class(base) == H5T_INTEGER, H5Tget_size(base) == 1, H5Tget_size(type) == 1, count == 2 else {
            throw unsupported("an enum of \(count) members, \(H5Tget_size(type)) bytes wide")
        }
        let signed = H5Tget_sign(base) == H5T_SGN_2
        var members: [(name: String?, value: Int)] = []
        for member in 0..<UInt32(2) {
            var value: Int8 = 0
            guard H5Tget_member_value(type, member, &value) >= 0 else { throw unsupported("an enum whose values cannot be read") }
            members.append((memberName(type, member), signed ? Int(value) : Int(UInt8(bitPattern: value))))
        }
        guard members.contains(where: { $0 == ("FALSE", 0) }), members.contains(where: { $0 == ("TRUE", 1) }) else {
            throw unsupported("an enum \(members.map { "\(shown($0.name)) = \($0.value)" }.joined(separator: ", "))")
        }
    }

    /// The name of member `index` of a compound or enum `type`, or nil if libhdf5 cannot give it.
    private static func memberName(_ type: hid_t, _ index: UInt32) -> String? {
        guard let pointer = H5Tget_member_name(type, index) else { return nil }
        defer { H5free_memory(pointer) }
        return String(cString: pointer)
    }

    /// A member name as a refusal shows it: quoted, escaped, and cut short past 40 characters.
    private static func shown(_ name: String?) -> String {
        guard let name else { return "(unreadable name)" }
        return "'" + TensorName.escaped(String(name.prefix(40))) + (name.count > 40 ? "…" : "") + "'"
    }
}
