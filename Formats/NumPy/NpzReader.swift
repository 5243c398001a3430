import TureenCore
import Zip

/// Reads `.npz` archives (`np.savez` and `np.savez_compressed`): one tensor per `.npy` member, named
/// after the member without `.npy` (`a/b.c.npy` → `a/b.c`). Stored members are read from the file
/// as they are; deflated members are inflated in chunks as they are read.
public struct NpzReader: CheckpointReader {
    /// A reader.
    public init() {}

    public func open(_ path: String, options: ReadOptions) throws -> TensorStore {
        let file = try MappedFile(path: path)
        let members: [ZipMember]
        do {
            members = try file.withBytesLoadedOnDemand { bytes, load in try ZipDirectory.parse(bytes, path: path, load: load) }
        } catch let error as ZipError {
            throw NumPyError(error)
        }
        var tensors: [StoredTensor] = []
        tensors.reserveCapacity(members.count)
        for member in members where !Self.isFolderEntry(member) {
            guard member.name.hasSuffix(".npy") else { throw NumPyError.notNpyMember(path: path, member: member.name) }
            tensors.append(try Self.tensor(of: member, in: file, options: options))
        }
        return try TensorStore(location: path, formatName: .npz, tensors: tensors)
    }

    private static func tensor(of member: ZipMember, in file: MappedFile, options: ReadOptions) throws -> StoredTensor {
        let name = String(member.name.dropLast(4))
        let prefix = try headerPrefix(of: member, in: file)
        let header = try prefix.withUnsafeBytes { bytes in
            try NpyHeader.parse(bytes, name: name, path: file.path, member: member.name, assumedVoidTypes: options.assumedVoidTypes)
        }
        let available = member.uncompressedSize - header.dataOffset
        guard available == header.info.byteCount else {
            throw NumPyError.dataSizeMismatch(path: file.path, member: member.name, expected: header.info.byteCount, actual: available)
        }
        let stored: any TensorByteSource
        switch member.method {
        case .stored:
            var headerCRC = CRC32()
            headerCRC.update(Array(prefix.prefix(header.dataOffset)))
            let start = member.dataOffset + header.dataOffset
            let mapped = try MappedTensorSource(file: file, fileRange: start..<(member.dataOffset + member.uncompressedSize))
            stored = CRCCheckingSource(
                base: mapped, byteCount: header.info.byteCount, headerCRC: headerCRC,
                expected: member.crc32, path: file.path, member: member.name
            )
            if header.info.byteCount == 0, headerCRC.value != member.crc32 {
                throw NumPyError.checksumMismatch(path: file.path, member: member.name, expected: member.crc32, actual: headerCRC.value)
            }
        case .deflated:
            stored = InflatingSource(file: file, member: member, dataOffset: header.dataOffset)
        }
        let source = NpyDataSource.make(header: header, stored: stored)
        return StoredTensor(info: header.info, source: source)
    }

    /// The member's first bytes, enough to hold its `.npy` header: the preamble, then the header it declares.
    private static func headerPrefix(of member: ZipMember, in file: MappedFile) throws -> [UInt8] {
        let limit = min(member.uncompressedSize, NpyHeader.maximumPrefixLength)
        switch member.method {
        case .stored:
            return try file.bytes(in: member.dataOffset..<(member.dataOffset + limit))
        case .deflated:
            let inflater = try MemberInflater(file: file, member: member)
            var prefix = [UInt8](repeating: 0, count: min(limit, 12))
            try prefix.withUnsafeMutableBytes { try inflater.read(into: $0) }
            let declared = NpyHeader.declaredEnd(of: prefix) ?? prefix.count
            if declared > prefix.count {
                var rest = [UInt8](repeating: 0, count: min(limit, declared) - prefix.count)
                try rest.withUnsafeMutableBytes { try inflater.read(into: $0) }
                prefix += rest
            }
            return prefix
        }
    }

    /// Folder entries (`name/`, empty) that some zip tools add are skipped.
    private static func isFolderEntry(_ member: ZipMember) -> Bool {
        member.name.hasSuffix("/") && member.uncompressedSize == 0
    }

    /// Whether `prefix` starts like an `.npz`: a zip whose first member is a `.npy` array (or a
    /// folder entry), or the end record of an empty archive. Other zips (a PyTorch file's
    /// `…/data.pkl`, a Keras archive's `metadata.json`) belong to other formats.
    static func recognizes(_ prefix: [UInt8]) -> Bool {
        if prefix.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return true }
        guard prefix.count >= 30, prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) else { return false }
        let nameLength = Int(prefix[26]) | Int(prefix[27]) << 8
        // A name running past the prefix cannot be told apart: left to the extension.
        guard 30 + nameLength <= prefix.count else { return true }
        let name = prefix[30..<(30 + nameLength)]
        return name.suffix(4).elementsEqual(".npy".utf8) || name.last == UInt8(ascii: "/")
    }
}
