import TureenCore

/// Streams a zip archive into an `OutputFile` the way CPython's `zipfile` lays it out for numpy:
/// each member's local header, then its data (stored or deflated) with the CRC-32 computed on the
/// way, then the header patched in place; finally the central directory, with zip64 records
/// wherever a size, offset or count needs them. Timestamps are numpy's fixed 1980-01-01.
package final class ZipArchiveWriter {
    private let output: OutputFile
    private var finished: [Entry] = []
    private var current: Open?
    /// Sizes and offsets from this value on go into zip64 fields (lowered only by tests).
    private let zip64Limit: Int
    /// When above 1, every member's data starts at a multiple of it, padded as PyTorch pads (see `localHeader`).
    private let dataAlignment: Int

    /// The marker in a 32-bit field whose value is in the zip64 extra field.
    private static let zip64Marker = 0xFFFF_FFFF
    /// MS-DOS date for 1980-01-01 (day 1, month 1, year 0) and time 00:00:00.
    private static let dosDate: UInt16 = 0x21
    private static let dosTime: UInt16 = 0
    /// Unix, zip specification 4.5 (zip64).
    private static let versionMadeBy: UInt16 = 3 << 8 | 45
    /// `-rw-------`, as `zipfile` gives members written through `ZipFile.open(..., 'w')`.
    private static let externalAttributes: UInt32 = 0o600 << 16

    private struct Entry {
        var name: [UInt8]
        var method: ZipMember.Method
        var crc: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
        var zip64Local: Bool
        var padding: Int
    }

    private struct Open {
        var entry: Entry
        var crc = CRC32()
        var written = 0
        var deflater: Deflater?
    }

    /// A writer appending to `output`; `zip64Limit` is the first size or offset that needs zip64;
    /// with a `dataAlignment` above 1 every member's data starts at a multiple of it.
    package init(output: OutputFile, zip64Limit: Int = 0xFFFF_FFFF, dataAlignment: Int = 1) {
        self.output = output
        self.zip64Limit = zip64Limit
        self.dataAlignment = dataAlignment
    }

    /// Writes the local header of a member that will hold `uncompressedSize` bytes; `name` must fit
    /// the 16-bit length field (at most 65,535 bytes of UTF-8), which callers check with a message
    /// of their own (`NpzMemberName`): a longer one would be cut to a wrong length.
    package func beginMember(name: String, uncompressedSize: Int, compress: Bool) throws {
        precondition(name.utf8.count <= Int(UInt16.max), "a zip member name longer than 65,535 bytes")
        let method: ZipMember.Method = compress ? .deflated : .stored
        let largest = compress ? Deflater.bound(uncompressedSize) : uncompressedSize
        var entry = Entry(
            name: Array(name.utf8), method: method, crc: 0, compressedSize: compress ? 0 : uncompressedSize,
            uncompressedSize: uncompressedSize, localHeaderOffset: output.length, zip64Local: largest >= zip64Limit, padding: 0
        )
        if dataAlignment > 1 {
            let unpadded = entry.localHeaderOffset + 30 + entry.name.count + (entry.zip64Local ? 20 : 0) + 4
            entry.padding = (dataAlignment - unpadded % dataAlignment) % dataAlignment
        }
        try output.write(localHeader(entry))
        current = Open(entry: entry, deflater: compress ? try Deflater() : nil)
    }

    /// Appends uncompressed bytes to the open member.
    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        // Work on a copy: the deflate sink below updates the entry while the writer writes output.
        guard var open = current else { preconditionFailure("write outside a member") }
        current = nil
        open.crc.update(bytes)
        open.written += bytes.count
        if let deflater = open.deflater {
            try deflater.compress(bytes) { compressed in
                try output.write(compressed)
                open.entry.compressedSize += compressed.count
            }
        } else {
            try output.write(bytes)
        }
        current = open
    }

    /// Ends the open member and patches its local header with the CRC-32 and sizes.
    ///
    /// - Returns: the number of uncompressed bytes written, for the caller to check.
    @discardableResult
    package func finishMember() throws -> Int {
        guard var open = current else { preconditionFailure("no member is open") }
        current = nil
        if let deflater = open.deflater {
            try deflater.finish { compressed in
                try output.write(compressed)
                open.entry.compressedSize += compressed.count
            }
        }
        open.entry.crc = open.crc.value
        open.entry.uncompressedSize = open.written
        try output.overwrite(localHeader(open.entry), at: open.entry.localHeaderOffset)
        finished.append(open.entry)
        return open.written
    }

    /// Writes the central directory and end records.
    package func finish() throws {
        let directoryOffset = output.length
        for entry in finished { try output.write(centralHeader(entry)) }
        let directorySize = output.length - directoryOffset
        let count = finished.count
        let needsZip64 = count >= 0xFFFF || directorySize >= zip64Limit || directoryOffset >= zip64Limit
        if needsZip64 {
            let zip64End = output.length
            var record = LittleEndianBytes()
            record.u32(0x0606_4B50)
            record.u64(44)
            record.u16(Self.versionMadeBy)
            record.u16(45)
            record.u32(0)
            record.u32(0)
            record.u64(count)
            record.u64(count)
            record.u64(directorySize)
            record.u64(directoryOffset)
            record.u32(0x0706_4B50)
            record.u32(0)
            record.u64(zip64End)
            record.u32(1)
            try output.write(record.bytes)
        }
        var end = LittleEndianBytes()
        end.u32(0x0605_4B50)
        end.u16(0)
        end.u16(0)
        end.u16(min(count, 0xFFFF))
        end.u16(min(count, 0xFFFF))
        end.u32(field32(directorySize))
        end.u32(field32(directoryOffset))
        end.u16(0)
        try output.write(end.bytes)
    }

    /// `value` for a 32-bit field, or the zip64 marker when the value goes in a zip64 field.
    private func field32(_ value: Int) -> Int {
        value >= zip64Limit ? Self.zip64Marker : value
    }

    private func flags(_ entry: Entry) -> UInt16 {
        entry.name.allSatisfy { $0 < 0x80 } ? 0 : 0x800
    }

    private func localHeader(_ entry: Entry) -> [UInt8] {
        var header = LittleEndianBytes()
        header.u32(0x0403_4B50)
        header.u16(entry.zip64Local ? 45 : 20)
        header.u16(flags(entry))
        header.u16(entry.method.rawValue)
        header.u16(Self.dosTime)
        header.u16(Self.dosDate)
        header.u32(Int(entry.crc))
        header.u32(entry.zip64Local ? Self.zip64Marker : entry.compressedSize)
        header.u32(entry.zip64Local ? Self.zip64Marker : entry.uncompressedSize)
        header.u16(entry.name.count)
        let paddingField = dataAlignment > 1 ? 4 + entry.padding : 0
        header.u16((entry.zip64Local ? 20 : 0) + paddingField)
        header.bytes += entry.name
        if entry.zip64Local {
            header.u16(0x0001)
            header.u16(16)
            header.u64(entry.uncompressedSize)
            header.u64(entry.compressedSize)
        }
        if dataAlignment > 1 {
            // PyTorch's own padding: extra field 0x4246 ("FB") filled with 'Z', so storages can be mapped aligned.
            header.u16(0x4246)
            header.u16(entry.padding)
            header.bytes += [UInt8](repeating: 0x5A, count: entry.padding)
        }
        return header.bytes
    }

    private func centralHeader(_ entry: Entry) -> [UInt8] {
        var zip64: [Int] = []
        for value in [entry.uncompressedSize, entry.compressedSize, entry.localHeaderOffset] where value >= zip64Limit {
            zip64.append(value)
        }
        var header = LittleEndianBytes()
        header.u32(0x0201_4B50)
        header.u16(Self.versionMadeBy)
        header.u16(zip64.isEmpty && !entry.zip64Local ? 20 : 45)
        header.u16(flags(entry))
        header.u16(entry.method.rawValue)
        header.u16(Self.dosTime)
        header.u16(Self.dosDate)
        header.u32(Int(entry.crc))
        header.u32(field32(entry.compressedSize))
        header.u32(field32(entry.uncompressedSize))
        header.u16(entry.name.count)
        header.u16(zip64.isEmpty ? 0 : 4 + 8 * zip64.count)
        header.u16(0)
        header.u16(0)
        header.u16(0)
        header.u32(Int(Self.externalAttributes))
        header.u32(field32(entry.localHeaderOffset))
        header.bytes += entry.name
        if !zip64.isEmpty {
            header.u16(0x0001)
            header.u16(8 * zip64.count)
            for value in zip64 { header.u64(value) }
        }
        return header.bytes
    }
}
