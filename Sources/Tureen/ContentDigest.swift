import Crypto
import TureenCore

/// A SHA-256 fed a piece at a time (a shard as it is written, a file as it is read back), printed
/// as 64 lowercase hexadecimal digits, as `sha256sum` prints it. A class, so that an
/// `OutputFile.onAppend` closure can feed it.
package final class ContentDigest {
    private var hash = SHA256()

    /// An empty digest.
    package init() {}

    /// Adds `bytes`.
    package func update(_ bytes: UnsafeRawBufferPointer) {
        hash.update(bufferPointer: bytes)
    }

    /// Adds the UTF-8 bytes of `text`.
    package func update(_ text: String) {
        var text = text
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// The digest of everything added.
    package var hexadecimal: String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: hash.finalize().flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }

    /// The digest of the file at `path`, read 1 MiB at a time.
    ///
    /// - Throws: `TensorStoreError.cannotOpen`, `.cannotRead`, `.truncatedWhileReading`.
    package static func ofFile(at path: String) throws -> String {
        let file = try MappedFile(path: path)
        let digest = ContentDigest()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        var offset = 0
        while offset < file.count {
            let end = min(file.count, offset + buffer.count)
            try file.read(offset..<end, into: buffer)
            digest.update(UnsafeRawBufferPointer(rebasing: buffer[0..<(end - offset)]))
            offset = end
        }
        return digest.hexadecimal
    }
}
