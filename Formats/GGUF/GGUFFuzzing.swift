/// The GGUF parser as the fuzz harness (`Fuzz/`) drives it: a pure function over bytes, errors
/// expected and ignored. A crash, hang or unbounded allocation here is a bug.
package enum GGUFFuzzing {
    /// Parses `bytes` as a GGUF file's header, key-values and tensor infos.
    package static func parseHeader(_ bytes: UnsafeRawBufferPointer) {
        _ = try? GGUFHeader(bytes, path: "fuzz.gguf")
    }
}
