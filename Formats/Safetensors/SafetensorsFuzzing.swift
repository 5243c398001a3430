/// The safetensors parsers as the fuzz harnesses (`Fuzz/`) drive them: pure functions over bytes,
/// errors expected and ignored. A crash, hang or unbounded allocation here is a bug.
package enum SafetensorsFuzzing {
    /// Parses `bytes` as the start of a safetensors file of `bytes.count` bytes.
    package static func parseHeader(_ bytes: UnsafeRawBufferPointer) {
        _ = try? SafetensorsHeader.parse(bytes, fileSize: bytes.count, path: "fuzz.safetensors")
    }

    /// Parses `bytes` as a sharded checkpoint's `model.safetensors.index.json`.
    package static func parseIndex(_ bytes: UnsafeRawBufferPointer) {
        guard let root = try? JSONParser.parse(bytes) else { return }
        _ = try? ShardedSafetensors.parseWeightMap(root, path: "fuzz.index.json")
    }
}
