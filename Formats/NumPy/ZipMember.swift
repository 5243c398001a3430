/// One member of a zip archive, as its central directory and local header describe it.
struct ZipMember: Equatable {
    /// The compression methods Tureen reads and writes.
    enum Method: UInt16 {
        case stored = 0
        case deflated = 8
    }

    /// The member's name, e.g. `model.layers.0.mlp.up_proj.weight.npy`.
    let name: String
    /// How the data is compressed.
    let method: Method
    /// The CRC-32 of the uncompressed bytes.
    let crc32: UInt32
    /// The number of bytes in the archive.
    let compressedSize: Int
    /// The number of bytes once inflated.
    let uncompressedSize: Int
    /// Where the local header starts.
    let localHeaderOffset: Int
    /// Where the (compressed) data starts, after the local header.
    let dataOffset: Int

    /// The archive bytes the member occupies: local header and data.
    var span: Range<Int> { localHeaderOffset..<(dataOffset + compressedSize) }
}
