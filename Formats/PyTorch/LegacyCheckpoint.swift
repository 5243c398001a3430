import TureenCore

/// The legacy format (torch < 1.6, or `_use_new_zipfile_serialization=False`): pickles back to back
/// (magic number, protocol version, system info, the object, the storage keys), then each storage
/// as an 8-byte element count and its raw little-endian bytes.
enum LegacyCheckpoint {
    /// The pickle of the magic number 0x1950a86a20f9469cfc6c, as torch writes it.
    static let magic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]

    /// Whether `prefix` starts with the legacy magic number.
    static func recognizes(_ prefix: [UInt8]) -> Bool { prefix.starts(with: magic) }

    /// The unpickled object and where each storage's bytes lie in the file.
    static func load(
        _ bytes: UnsafeRawBufferPointer, machine: PickleMachine, path: String, load: ((Range<Int>) throws -> Void)? = nil
    ) throws -> (root: PickleValue, storages: [String: Range<Int>]) {
        try load?(0..<min(magic.count, bytes.count))
        guard bytes.starts(with: magic) else {
            throw PyTorchError.badArchive(path: path, detail: "neither a zip archive nor a legacy torch.save file (no magic number)")
        }
        var position = magic.count
        let header = PickleMachine(path: path)
        defer { header.tearDown() }
        let version = try header.run(bytes, from: position, load: load)
        guard case .int(1001) = version.value else {
            throw PyTorchError.badArchive(path: path, detail: "legacy protocol version \(version.value.summary) is not 1001")
        }
        let systemInfo = try header.run(bytes, from: version.end, load: load)
        if case let .dict(info) = systemInfo.value,
           info.entries.contains(where: { if case .string("little_endian") = $0.key, case .bool(false) = $0.value { return true }; return false }) {
            throw PyTorchError.badArchive(path: path, detail: "the file was written on a big-endian machine")
        }
        let object = try machine.run(bytes, from: systemInfo.end, load: load)
        let keyList = try header.run(bytes, from: object.end, load: load)
        guard case let .list(keys) = keyList.value else { throw PyTorchError.badArchive(path: path, detail: "the storage key list is missing") }
        position = keyList.end
        var storages: [String: Range<Int>] = [:]
        for key in keys.items {
            guard case let .string(name) = key, let storage = machine.storages[name] else {
                throw PyTorchError.badArchive(path: path, detail: "the storage key list names \(key.summary), which no tensor uses")
            }
            guard position <= bytes.count - 8 else { throw truncated(path, name) }
            try load?(position..<(position + 8))
            let count = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[position + $1]) << (8 * UInt64($1)) }
            guard Int(exactly: count) == storage.elementCount,
                  let byteCount = CheckedArithmetic.multiply(storage.elementCount, storage.dtype.byteWidth) else {
                throw PyTorchError.badStorage(path: path, key: name, detail: "its data declares \(count) elements but the pickle says \(storage.elementCount)")
            }
            let start = position + 8
            guard byteCount <= bytes.count - start else { throw truncated(path, name) }
            storages[name] = start..<(start + byteCount)
            position = start + byteCount
        }
        return (object.value, storages)
    }

    private static func truncated(_ path: String, _ key: String) -> PyTorchError {
        .badStorage(path: path, key: key, detail: "its data runs past the end of the file; truncated")
    }
}
