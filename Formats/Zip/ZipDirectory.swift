import TureenCore

/// Reads a zip archive's central directory (zip64 included) into members with their data offsets.
/// A pure function over the archive's bytes, so a fuzzer can drive it; every size and offset is
/// checked before use.
package enum ZipDirectory {
    /// Deflate cannot expand data by more than about 1032 to 1; a declared size beyond that is a lie.
    package static let maximumDeflateRatio = 1032

    private static let endSignature: UInt32 = 0x0605_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let zip64EndSignature: UInt32 = 0x0606_4B50
    private static let centralSignature: UInt32 = 0x0201_4B50
    private static let localSignature: UInt32 = 0x0403_4B50

    /// The members of the archive in `bytes`, in central-directory order. `load`, when given, is
    /// called with each range before it is read (for a view filled on demand); its errors propagate.
    ///
    /// - Throws: `ZipError.notZip` without an end record, `.badZip` for inconsistent records,
    ///   `.duplicateMember`, `.overlappingMembers`, `.unsupportedCompression`, `.encryptedMember`, `.zipBomb`.
    package static func parse(_ bytes: UnsafeRawBufferPointer, path: String, load: ((Range<Int>) throws -> Void)? = nil) throws -> [ZipMember] {
        let reader = ByteReader(bytes: bytes, load: load)
        do {
            let end = try endRecord(reader, path: path)
            let members = try centralDirectory(reader, end: end, path: path)
            try checkLayout(members, directoryStart: end.directoryOffset, path: path)
            return members
        } catch let bounds as ByteReader.OutOfBounds {
            throw ZipError.badZip(path: path, detail: "a record at byte \(bounds.offset) runs past the end of the \(bytes.count)-byte file")
        }
    }

    private struct EndRecord {
        var entryCount: Int
        var directoryOffset: Int
        var directorySize: Int
    }

    private static func endRecord(_ reader: ByteReader, path: String) throws -> EndRecord {
        let size = reader.bytes.count
        guard size >= 22 else { throw ZipError.notZip(path: path, detail: "\(size) bytes is too small for a zip end record") }
        var position = size - 22
        let lowest = max(0, size - 22 - Int(UInt16.max))
        while position >= lowest {
            if try reader.u32(position) == endSignature, position + 22 + Int(try reader.u16(position + 20)) <= size { break }
            position -= 1
        }
        guard position >= lowest else { throw ZipError.notZip(path: path, detail: "no end-of-central-directory record") }
        guard try reader.u16(position + 4) == 0, try reader.u16(position + 6) == 0 else {
            throw ZipError.badZip(path: path, detail: "multi-disk archives are not supported")
        }
        var record = EndRecord(
            entryCount: Int(try reader.u16(position + 10)),
            directoryOffset: Int(try reader.u32(position + 16)),
            directorySize: Int(try reader.u32(position + 12))
        )
        let locator = position - 20
        if locator >= 0, try reader.u32(locator) == zip64LocatorSignature {
            guard let zip64End = CheckedArithmetic.int(try reader.u64(locator + 8)), zip64End < locator,
                  try reader.u32(zip64End) == zip64EndSignature else {
                throw ZipError.badZip(path: path, detail: "the zip64 locator does not point at a zip64 end record")
            }
            guard let count = CheckedArithmetic.int(try reader.u64(zip64End + 32)),
                  let directorySize = CheckedArithmetic.int(try reader.u64(zip64End + 40)),
                  let directoryOffset = CheckedArithmetic.int(try reader.u64(zip64End + 48)) else {
                throw ZipError.badZip(path: path, detail: "zip64 end record sizes exceed 63 bits")
            }
            record = EndRecord(entryCount: count, directoryOffset: directoryOffset, directorySize: directorySize)
        }
        guard let directoryEnd = CheckedArithmetic.sum(record.directoryOffset, record.directorySize), directoryEnd <= position else {
            throw ZipError.badZip(path: path, detail: "the central directory (\(record.directorySize) bytes at \(record.directoryOffset)) does not fit before the end record")
        }
        return record
    }

    private static func centralDirectory(_ reader: ByteReader, end: EndRecord, path: String) throws -> [ZipMember] {
        var members: [ZipMember] = []
        members.reserveCapacity(min(end.entryCount, end.directorySize / 46))
        var names = Set<String>()
        var position = end.directoryOffset
        let directoryEnd = end.directoryOffset + end.directorySize
        for index in 0..<end.entryCount {
            guard position + 46 <= directoryEnd, try reader.u32(position) == centralSignature else {
                throw ZipError.badZip(path: path, detail: "central directory entry \(index) of \(end.entryCount) is missing or malformed")
            }
            let member = try centralEntry(reader, at: position, path: path)
            guard names.insert(member.entry.name).inserted else { throw ZipError.duplicateMember(path: path, member: member.entry.name) }
            members.append(member.entry)
            position = member.next
            guard position <= directoryEnd else {
                throw ZipError.badZip(path: path, detail: "central directory entry '\(member.entry.name)' runs past the directory's end")
            }
        }
        return members
    }

    private static func centralEntry(_ reader: ByteReader, at position: Int, path: String) throws -> (entry: ZipMember, next: Int) {
        let flags = try reader.u16(position + 8)
        let methodCode = try reader.u16(position + 10)
        let crc = try reader.u32(position + 16)
        var compressed = UInt64(try reader.u32(position + 20))
        var uncompressed = UInt64(try reader.u32(position + 24))
        let nameLength = Int(try reader.u16(position + 28))
        let extraLength = Int(try reader.u16(position + 30))
        let commentLength = Int(try reader.u16(position + 32))
        var localOffset = UInt64(try reader.u32(position + 42))
        let name = try decodeName(try reader.slice(position + 46, count: nameLength), path: path)
        let extra = try reader.slice(position + 46 + nameLength, count: extraLength)
        try applyZip64Extra(extra, uncompressed: &uncompressed, compressed: &compressed, localOffset: &localOffset, path: path, name: name)
        guard flags & 1 == 0 else { throw ZipError.encryptedMember(path: path, member: name) }
        guard let method = ZipMember.Method(rawValue: methodCode) else {
            throw ZipError.unsupportedCompression(path: path, member: name, method: methodCode)
        }
        guard let compressedSize = CheckedArithmetic.int(compressed), let uncompressedSize = CheckedArithmetic.int(uncompressed),
              let localHeaderOffset = CheckedArithmetic.int(localOffset) else {
            throw ZipError.badMember(path: path, member: name, detail: "sizes or offset exceed 63 bits")
        }
        switch method {
        case .stored where compressedSize != uncompressedSize:
            throw ZipError.badMember(path: path, member: name, detail: "stored with \(compressedSize) bytes but declares \(uncompressedSize)")
        case .deflated:
            let capacity = CheckedArithmetic.multiply(compressedSize, maximumDeflateRatio).flatMap { CheckedArithmetic.sum($0, 64) } ?? Int.max
            if uncompressedSize > capacity {
                throw ZipError.zipBomb(path: path, member: name, compressed: compressedSize, declared: uncompressedSize)
            }
        default:
            break
        }
        let dataOffset = try localDataOffset(
            reader, at: localHeaderOffset, name: name, method: methodCode, sizes: (compressed, uncompressed), path: path
        )
        let member = ZipMember(
            name: name, method: method, crc32: crc, compressedSize: compressedSize, uncompressedSize: uncompressedSize,
            localHeaderOffset: localHeaderOffset, dataOffset: dataOffset
        )
        guard let dataEnd = CheckedArithmetic.sum(dataOffset, compressedSize), dataEnd <= reader.bytes.count else {
            throw ZipError.badMember(path: path, member: name, detail: "its \(compressedSize) bytes of data run past the end of the file")
        }
        return (member, position + 46 + nameLength + extraLength + commentLength)
    }

    /// Replaces 0xFFFFFFFF fields with their zip64 values, which follow in a fixed order.
    private static func applyZip64Extra(
        _ extra: UnsafeRawBufferPointer, uncompressed: inout UInt64, compressed: inout UInt64, localOffset: inout UInt64,
        path: String, name: String
    ) throws {
        let reader = ByteReader(bytes: extra)
        var position = 0
        while position + 4 <= extra.count {
            let id = try reader.u16(position)
            let size = Int(try reader.u16(position + 2))
            if id == 0x0001 {
                var field = position + 4
                let fieldsEnd = position + 4 + size
                func next(_ current: inout UInt64) throws {
                    guard current == 0xFFFF_FFFF else { return }
                    guard field + 8 <= fieldsEnd else {
                        throw ZipError.badMember(path: path, member: name, detail: "its zip64 extra field is too short")
                    }
                    current = try reader.u64(field)
                    field += 8
                }
                try next(&uncompressed)
                try next(&compressed)
                try next(&localOffset)
                return
            }
            position += 4 + size
        }
        if uncompressed == 0xFFFF_FFFF || compressed == 0xFFFF_FFFF || localOffset == 0xFFFF_FFFF {
            throw ZipError.badMember(path: path, member: name, detail: "a size or offset is 0xFFFFFFFF but there is no zip64 extra field")
        }
    }

    /// Where a member's data starts, after checking that its local header agrees with the central
    /// directory on the name, the method and the sizes (`sizes`: compressed, uncompressed). A
    /// reader that trusts the local header would see other bytes than one that trusts the directory.
    private static func localDataOffset(
        _ reader: ByteReader, at offset: Int, name: String, method: UInt16, sizes: (UInt64, UInt64), path: String
    ) throws -> Int {
        guard offset < reader.bytes.count, try reader.u32(offset) == localSignature else {
            throw ZipError.badMember(path: path, member: name, detail: "no local header at byte \(offset)")
        }
        let nameLength = Int(try reader.u16(offset + 26))
        let extraLength = Int(try reader.u16(offset + 28))
        let localName = try decodeName(try reader.slice(offset + 30, count: nameLength), path: path)
        guard localName == name else {
            throw ZipError.badMember(path: path, member: name, detail: "its local header names it '\(localName)'")
        }
        guard try reader.u16(offset + 8) == method else {
            throw ZipError.badMember(path: path, member: name, detail: "the local header and central directory disagree on the compression method")
        }
        var compressed = UInt64(try reader.u32(offset + 18))
        var uncompressed = UInt64(try reader.u32(offset + 22))
        var unused: UInt64 = 0
        try applyZip64Extra(try reader.slice(offset + 30 + nameLength, count: extraLength), uncompressed: &uncompressed, compressed: &compressed, localOffset: &unused, path: path, name: name)
        // With a data descriptor (flag bit 3) the local header may leave the sizes zero.
        let deferred = try reader.u16(offset + 6) & 0x8 != 0 && compressed == 0 && uncompressed == 0
        guard deferred || (compressed, uncompressed) == sizes else {
            throw ZipError.badMember(
                path: path, member: name,
                detail: "its local header gives \(compressed) compressed and \(uncompressed) uncompressed bytes, the central directory \(sizes.0) and \(sizes.1)"
            )
        }
        return offset + 30 + nameLength + extraLength
    }

    private static func decodeName(_ bytes: UnsafeRawBufferPointer, path: String) throws -> String {
        guard let name = String(validating: bytes, as: UTF8.self) else {
            throw ZipError.badZip(path: path, detail: "a member name is not valid UTF-8")
        }
        return name
    }

    /// Members must not overlap one another or the central directory.
    private static func checkLayout(_ members: [ZipMember], directoryStart: Int, path: String) throws {
        let ordered = members.sorted { $0.localHeaderOffset < $1.localHeaderOffset }
        for (earlier, later) in zip(ordered, ordered.dropFirst()) where earlier.span.upperBound > later.localHeaderOffset {
            throw ZipError.overlappingMembers(path: path, first: earlier.name, second: later.name)
        }
        if let last = ordered.last, last.span.upperBound > directoryStart {
            throw ZipError.badMember(path: path, member: last.name, detail: "its data runs into the central directory")
        }
    }
}
