import CZlib
import TureenCore
import Zip

/// Inflates one deflated zip member of the archive, in order, into caller buffers; the compressed
/// bytes are read with `pread` a step at a time (never through a mapping, see `MappedFile`). Never
/// produces more than the member's declared size; once all of it has been produced, checks that the
/// deflate stream ends there and that the CRC-32 matches.
final class MemberInflater {
    private let file: MappedFile
    private let member: ZipMember
    private let stream: UnsafeMutablePointer<z_stream>
    private var inputPosition: Int
    /// Compressed bytes read from the file and not yet consumed: `pending` within `input`.
    private let input: UnsafeMutableRawBufferPointer
    private var pending: Range<Int> = 0..<0
    private var crc = CRC32()
    private var streamEnded = false
    /// The number of uncompressed bytes produced so far.
    private(set) var produced = 0
    private static let inputStep = 1 << 20

    /// Starts inflating `member` of `file`.
    ///
    /// - Throws: `NumPyError.corruptDeflate` if zlib cannot start.
    init(file: MappedFile, member: ZipMember) throws {
        self.file = file
        self.member = member
        inputPosition = member.dataOffset
        input = .allocate(byteCount: min(MemberInflater.inputStep, max(member.compressedSize, 1)), alignment: 64)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard tureen_inflate_init_raw(stream) == Z_OK else {
            stream.deallocate()
            input.deallocate()
            throw NumPyError.corruptDeflate(path: file.path, member: member.name, detail: "zlib could not start inflating")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    /// Fills `buffer` with the next uncompressed bytes.
    ///
    /// - Throws: `NumPyError.corruptDeflate` if the data is corrupt or ends early, `.checksumMismatch`
    ///   once the whole member has been produced and its CRC-32 differs.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws {
        guard buffer.count > 0 else { return }
        guard let end = CheckedArithmetic.sum(produced, buffer.count), end <= member.uncompressedSize else {
            throw failure("asked for bytes past the member's declared \(member.uncompressedSize) bytes")
        }
        var filled = 0
        while filled < buffer.count {
            if streamEnded {
                throw failure("the deflate stream ends after \(produced + filled) of \(member.uncompressedSize) declared bytes")
            }
            filled += try inflateStep(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
        }
        crc.update(UnsafeRawBufferPointer(buffer))
        produced += buffer.count
        if produced == member.uncompressedSize { try checkEnd() }
    }

    /// Reads and discards the next `count` bytes.
    func skip(_ count: Int) throws {
        guard count > 0 else { return }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: min(count, 1 << 18), alignment: 16)
        defer { scratch.deallocate() }
        var left = count
        while left > 0 {
            let step = min(left, scratch.count)
            try read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[0..<step]))
            left -= step
        }
    }

    /// Runs inflate once (feeding more compressed bytes as needed) and returns how many bytes it wrote.
    private func inflateStep(into output: UnsafeMutableRawBufferPointer) throws -> Int {
        if pending.isEmpty {
            let compressedEnd = member.dataOffset + member.compressedSize
            let step = min(input.count, compressedEnd - inputPosition)
            try file.read(inputPosition..<(inputPosition + step), into: input)
            inputPosition += step
            pending = 0..<step
        }
        let outputCount = min(output.count, Int(UInt32.max))
        stream.pointee.next_in = (input.baseAddress! + pending.lowerBound).assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = UInt32(pending.count)
        stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = UInt32(outputCount)
        let status = inflate(stream, Z_NO_FLUSH)
        let consumed = pending.count - Int(stream.pointee.avail_in)
        let wrote = outputCount - Int(stream.pointee.avail_out)
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        pending = (pending.lowerBound + consumed)..<pending.upperBound
        switch status {
        case Z_OK:
            if wrote == 0 && consumed == 0 { throw failure("the deflate stream makes no progress") }
            return wrote
        case Z_STREAM_END:
            streamEnded = true
            return wrote
        case Z_BUF_ERROR:
            throw failure("the compressed data ends after \(member.compressedSize) bytes, before the deflate stream does")
        default:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw failure(message)
        }
    }

    /// After the last declared byte: the deflate stream must end, and the checksum must match.
    private func checkEnd() throws {
        var extra: UInt8 = 0
        while !streamEnded {
            let wrote = try withUnsafeMutableBytes(of: &extra) { try inflateStep(into: $0) }
            if wrote > 0 { throw failure("the deflate stream holds more than the declared \(member.uncompressedSize) bytes") }
        }
        if crc.value != member.crc32 {
            throw NumPyError.checksumMismatch(path: file.path, member: member.name, expected: member.crc32, actual: crc.value)
        }
    }

    private func failure(_ detail: String) -> NumPyError {
        .corruptDeflate(path: file.path, member: member.name, detail: detail)
    }
}
