import TureenCore

extension StoredTensor {
    /// Hands the tensor's bytes to `sink` as they are (an integer or bool tensor a soup copies),
    /// `chunkElementCount` elements at a time, releasing what was passed and reporting each chunk's
    /// byte count to `progress`.
    ///
    /// - Throws: what reading the source or `sink` throws.
    func copyChunks(of chunkElementCount: Int, into sink: (UnsafeRawBufferPointer) throws -> Void, progress: ((Int) -> Void)?) throws {
        let chunkBytes = chunkElementCount * info.dtype.byteWidth
        var offset = 0
        while offset < info.byteCount {
            let range = offset..<min(info.byteCount, offset + chunkBytes)
            try source.withBytes(in: range) { try sink($0) }
            source.releaseBytes(before: range.upperBound)
            progress?(range.count)
            offset = range.upperBound
        }
    }
}
