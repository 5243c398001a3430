/// One member of a zip archive, as its central directory and local header describe it.
package struct ZipMember: Equatable {
    /// The compression methods Tureen reads and writes.
    package enum Method: UInt16 {
        case stored = 0
        case deflated = 8
    }

    /// The member's name, e.g. `model.layers.0.mlp.up_proj.weight.npy`.
    package let name: String
    /// How the data is compressed.
    package let method: Method
    /// The CRC-32 of the uncompressed bytes.
    package let crc32: UInt32
    /// The number of bytes in the archive.
    package let compressedSize: Int
    /// The number of bytes once inflated.
    package let uncompressedSize: Int
    /// Where the local header starts.
    package let localHeaderOffset: Int
    /// Where the (compressed) data starts, after the local header.
    package let dataOffset: Int

    /// Describes a member.
    package init(
        name: String, method: Method, crc32: UInt32, compressedSize: Int, uncompressedSize: Int, localHeaderOffset: Int, dataOffset: Int
    ) {
        self.name = name
        self.method = method
        self.crc32 = crc32
        self.compressedSize = compressedSize
        self.uncompressedSize = uncompressedSize
        self.localHeaderOffset = localHeaderOffset
        self.dataOffset = dataOffset
    }

    /// The archive bytes the member occupies: local header and data.
    package var span: Range<Int> { localHeaderOffset..<(dataOffset + compressedSize) }
}
