import TureenCore
import Zip

/// The zip format of torch ≥ 1.6: `<prefix>/data.pkl`, one stored `<prefix>/data/<key>` record per
/// storage. The prefix is the first member's folder (as torch's reader takes it), never the file name,
/// so renamed files read.
enum ZipCheckpoint {
    /// The unpickled object and where each storage's bytes lie in the file.
    static func load(
        _ bytes: UnsafeRawBufferPointer, machine: PickleMachine, path: String, load: ((Range<Int>) throws -> Void)? = nil
    ) throws -> (root: PickleValue, storages: [String: Range<Int>]) {
        let members = try ZipDirectory.parse(bytes, path: path, load: load)
        guard let first = members.first, let slash = first.name.firstIndex(of: "/") else {
            throw PyTorchError.badArchive(path: path, detail: "the first member '\(members.first?.name ?? "")' is not inside a folder")
        }
        let prefix = String(first.name[...slash])
        var byName: [String: ZipMember] = [:]
        for member in members {
            guard member.name.hasPrefix(prefix) else {
                throw PyTorchError.badArchive(path: path, detail: "member '\(member.name)' lies outside the archive's folder '\(prefix)'")
            }
            byName[String(member.name.dropFirst(prefix.count))] = member
        }
        try checkByteOrder(byName["byteorder"], in: bytes, path: path, load: load)
        guard let pickle = byName["data.pkl"] else { throw PyTorchError.badArchive(path: path, detail: "there is no '\(prefix)data.pkl'") }
        guard pickle.method == .stored else {
            throw PyTorchError.badArchive(path: path, detail: "'\(pickle.name)' is compressed; torch stores it")
        }
        let pickleBytes = UnsafeRawBufferPointer(rebasing: bytes[pickle.dataOffset..<(pickle.dataOffset + pickle.compressedSize)])
        try load?(pickle.dataOffset..<(pickle.dataOffset + pickle.compressedSize))
        let result = try machine.run(pickleBytes, from: 0)
        guard result.end == pickleBytes.count else {
            throw PyTorchError.badPickle(path: path, offset: result.end, detail: "\(pickleBytes.count - result.end) bytes follow STOP")
        }
        var storages: [String: Range<Int>] = [:]
        for storage in machine.storages.values {
            guard let record = byName["data/" + storage.key] else {
                throw PyTorchError.badStorage(path: path, key: storage.key, detail: "the archive has no record '\(prefix)data/\(storage.key)'")
            }
            guard record.method == .stored else {
                throw PyTorchError.badStorage(path: path, key: storage.key, detail: "its record is compressed (zip method \(record.method.rawValue)); torch stores storages, and a deflated one would be read as garbage by torch's mmap")
            }
            let expected = storage.isUntyped ? storage.elementCount : CheckedArithmetic.multiply(storage.elementCount, storage.dtype.byteWidth)
            guard let expected, record.uncompressedSize == expected else {
                throw PyTorchError.badStorage(path: path, key: storage.key, detail: "it declares \(storage.elementCount) \(storage.isUntyped ? "bytes" : "elements of \(storage.dtype)") but its record holds \(record.uncompressedSize) bytes")
            }
            storages[storage.key] = record.dataOffset..<(record.dataOffset + record.uncompressedSize)
        }
        return (result.value, storages)
    }

    /// Refuses storages that are not little-endian: torch writes the writer's byte order in a
    /// `byteorder` record ("little" or "big"; none means little, as torch reads it) and swaps big-endian
    /// storages as it loads them; Tureen reads them as they lie, so a big-endian file would give
    /// byte-swapped values.
    private static func checkByteOrder(_ record: ZipMember?, in bytes: UnsafeRawBufferPointer, path: String, load: ((Range<Int>) throws -> Void)?) throws {
        guard let record else { return }
        guard record.method == .stored, record.compressedSize <= 16 else {
            throw PyTorchError.badArchive(path: path, detail: "its byteorder record is not a stored word of at most 16 bytes")
        }
        let range = record.dataOffset..<(record.dataOffset + record.compressedSize)
        try load?(range)
        let order = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        switch order {
        case "little": return
        case "big":
            throw PyTorchError.badArchive(path: path, detail: "it was saved on a big-endian machine (its byteorder record says 'big'), and Tureen reads little-endian storages only; load and save it again with torch on a little-endian machine, which swaps the bytes")
        default:
            throw PyTorchError.badArchive(path: path, detail: "its byteorder record says '\(order.debugDescription.dropFirst().dropLast())'; torch knows only 'little' and 'big'")
        }
    }
}
