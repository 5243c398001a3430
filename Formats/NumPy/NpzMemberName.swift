import TureenCore

/// The zip member an `.npz` keeps a tensor in, `NAME.npy`, and the tensor names that cannot be kept so.
///
/// numpy's `NpzFile` looks a key up among the member names first and only then adds `.npy`, so a
/// tensor `x.npy` beside a tensor `x` would be answered with `x`'s member. Unzip tools extract a
/// member to the path its name spells, so a name that is absolute or climbs with `..` would be
/// written outside the folder it is extracted into.
enum NpzMemberName {
    /// The most bytes a zip name field holds (its length is 16 bits).
    static let maximumByteCount = Int(UInt16.max)

    /// The member name of tensor `name`.
    static func of(_ name: String) -> String {
        name + ".npy"
    }

    /// Checks every name of `names` before anything is written.
    ///
    /// - Throws: `TensorStoreError.unstorableName` naming the first tensor that cannot be stored, and why.
    static func check(_ names: [String], path: String) throws {
        let present = Set(names)
        for name in names {
            try TensorName.checkHasNoNUL(name, path: path, format: "zip member")
            if let reason = reason(refusing: name, among: present) {
                throw TensorStoreError.unstorableName(path: path, tensor: name, detail: reason)
            }
        }
    }

    /// Why `name` cannot be a member's name in an archive that also holds the tensors `present`; nil if it can.
    private static func reason(refusing name: String, among present: Set<String>) -> String? {
        let member = of(name)
        let shown = TensorName.escaped(member)
        if member.utf8.count > maximumByteCount {
            return "its zip member name is \(member.utf8.count) bytes long; zip names hold at most 65,535 bytes"
        }
        if name.hasPrefix("/") || name.hasPrefix("\\") {
            return "it is an absolute path; the zip member '\(shown)' would be extracted outside the folder it is unzipped into"
        }
        // Windows tools take a backslash as a separator too.
        if name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).contains("..") {
            return "it has a '..' component; the zip member '\(shown)' would be extracted outside the folder it is unzipped into"
        }
        if name.hasSuffix(".npy"), present.contains(String(name.dropLast(4))) {
            return "np.load(...)['\(TensorName.escaped(name))'] would give the tensor '\(TensorName.escaped(String(name.dropLast(4))))', "
                + "whose zip member is named '\(TensorName.escaped(name))'; rename one of the two"
        }
        return nil
    }
}
