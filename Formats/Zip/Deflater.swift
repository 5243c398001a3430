import CZlib

/// Raw deflate (as zip members hold it) at zlib's default level, the one `np.savez_compressed` uses.
package final class Deflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutableRawBufferPointer

    /// Thrown when zlib fails; carries zlib's message.
    package struct Failure: Error {
        package let detail: String
    }

    /// Starts a deflate stream.
    ///
    /// - Throws: `Failure` if zlib cannot start.
    package init() throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard tureen_deflate_init_raw(stream, Z_DEFAULT_COMPRESSION) == Z_OK else {
            stream.deallocate()
            throw Failure(detail: "zlib could not start deflating")
        }
        output = .allocate(byteCount: 1 << 18, alignment: 16)
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
        output.deallocate()
    }

    /// The most bytes deflating `count` bytes can produce.
    package static func bound(_ count: Int) -> Int {
        count &+ (count >> 12) &+ (count >> 14) &+ (count >> 25) &+ 13
    }

    /// Compresses `input`, passing compressed bytes to `sink` as they come.
    package func compress(_ input: UnsafeRawBufferPointer, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var offset = 0
        while offset < input.count {
            let step = min(input.count - offset, 1 << 30)
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = UInt32(step)
            try run(flush: Z_NO_FLUSH, into: sink)
            offset += step
        }
    }

    /// Ends the stream, passing the last compressed bytes to `sink`.
    package func finish(into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try run(flush: Z_FINISH, into: sink)
    }

    private func run(flush: Int32, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        repeat {
            stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(output.count)
            let status = deflate(stream, flush)
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw Failure(detail: stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)")
            }
            let produced = output.count - Int(stream.pointee.avail_out)
            if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
            if flush == Z_FINISH ? status == Z_STREAM_END : stream.pointee.avail_out != 0 { break }
        } while true
        stream.pointee.next_in = nil
    }
}
