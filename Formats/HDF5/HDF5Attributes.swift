import CHDF5
import TureenCore

/// Reads and writes the string attributes Tureen uses: metadata on the root group, `dtype` on
/// opaque datasets, and Keras 2's `layer_names` / `weight_names` lists.
enum HDF5Attributes {
    /// The names of the attributes on `object`.
    ///
    /// - Throws: `HDF5Error.library` if they cannot be listed.
    static func names(of object: hid_t, file: String, path: String) throws -> [String] {
        var names: [String] = []
        var index: hsize_t = 0
        _ = try withUnsafeMutablePointer(to: &names) { pointer in
            try HDF5Library.check(H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, { _, name, _, context in
                guard let name, let context else { return -1 }
                context.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
                return 0
            }, pointer), "list attributes", file: file, object: path)
        }
        return names
    }

    /// The value of string attribute `name` on `object` as a list (one element for a scalar), or
    /// nil if there is no such attribute, it does not hold strings, or `scalarOnly` is set and it is
    /// not a scalar. Fixed-length strings lose their trailing NUL or space padding.
    ///
    /// - Throws: `HDF5Error.library` if the attribute exists but cannot be read.
    static func strings(of object: hid_t, named name: String, scalarOnly: Bool = false, file: String, object path: String) throws -> [String]? {
        guard H5Aexists(object, name) > 0 else { return nil }
        let operation = "read attribute '\(name)'"
        let attribute = try HDF5Handle(H5Aopen(object, name, tureen_H5P_DEFAULT()), operation, file: file, object: path)
        let type = try HDF5Handle(H5Aget_type(attribute.id), operation, file: file, object: path)
        guard H5Tget_class(type.id) == H5T_STRING else { return nil }
        let space = try HDF5Handle(H5Aget_space(attribute.id), operation, file: file, object: path)
        guard !scalarOnly || H5Sget_simple_extent_type(space.id) == H5S_SCALAR else { return nil }
        let count = Int(try HDF5Library.check(H5Sget_simple_extent_npoints(space.id), operation, file: file, object: path))
        let memory = try HDF5Handle(H5Tcopy(type.id), operation, file: file, object: path)
        if H5Tis_variable_str(type.id) > 0 {
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            try HDF5Library.check(H5Aread(attribute.id, memory.id, &pointers), operation, file: file, object: path)
            defer { H5Dvlen_reclaim(memory.id, space.id, tureen_H5P_DEFAULT(), &pointers) }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
        let width = H5Tget_size(type.id)
        guard width > 0, let total = CheckedArithmetic.multiply(width, count) else { return [] }
        var bytes = [UInt8](repeating: 0, count: total)
        try HDF5Library.check(H5Aread(attribute.id, memory.id, &bytes), operation, file: file, object: path)
        return (0..<count).map { index in
            var element = bytes[(index * width)..<((index + 1) * width)]
            while let last = element.last, last == 0 || last == UInt8(ascii: " ") { element.removeLast() }
            return String(decoding: element, as: UTF8.self)
        }
    }

    /// Writes `value` as a scalar variable-length UTF-8 string attribute `name` on `object`, as h5py
    /// writes a Python `str` (which Keras compares against `"bfloat16"`).
    ///
    /// - Throws: `HDF5Error.library` if it cannot be written.
    static func writeString(_ value: String, named name: String, on object: hid_t, file: String, object path: String) throws {
        let operation = "write attribute '\(name)'"
        let type = try HDF5Handle(H5Tcopy(tureen_H5T_C_S1()), operation, file: file, object: path)
        try HDF5Library.check(H5Tset_size(type.id, tureen_H5T_VARIABLE()), operation, file: file, object: path)
        try HDF5Library.check(H5Tset_cset(type.id, H5T_CSET_UTF8), operation, file: file, object: path)
        let space = try HDF5Handle(H5Screate(H5S_SCALAR), operation, file: file, object: path)
        let attribute = try HDF5Handle(
            H5Acreate2(object, name, type.id, space.id, tureen_H5P_DEFAULT(), tureen_H5P_DEFAULT()), operation, file: file, object: path)
        try value.withCString { text in
            var pointer: UnsafePointer<CChar>? = text
            try HDF5Library.check(H5Awrite(attribute.id, type.id, &pointer), operation, file: file, object: path)
        }
    }
}
