import Zip

/// The NumPy parsers as the fuzz harnesses (`Fuzz/`) drive them: pure functions over bytes, errors
/// expected and ignored. A crash, hang or unbounded allocation here is a bug.
package enum NumPyFuzzing {
    /// Parses `bytes` as a `.npy` header.
    package static func parseNpyHeader(_ bytes: UnsafeRawBufferPointer) {
        _ = try? NpyHeader.parse(bytes, name: "fuzz", path: "fuzz.npy", member: "", assumedVoidTypes: [])
    }

    /// Parses `bytes` as a zip archive's directory, then the `.npy` header of every stored member
    /// whose bytes lie inside `bytes`, as the npz reader does.
    package static func parseZipArchive(_ bytes: UnsafeRawBufferPointer) {
        guard let members = try? ZipDirectory.parse(bytes, path: "fuzz.npz") else { return }
        for member in members where member.method == .stored && member.span.upperBound <= bytes.count {
            let data = UnsafeRawBufferPointer(rebasing: bytes[member.dataOffset..<(member.dataOffset + member.compressedSize)])
            _ = try? NpyHeader.parse(data, name: member.name, path: "fuzz.npz", member: member.name, assumedVoidTypes: [])
        }
    }
}
