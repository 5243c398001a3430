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
}
