import TureenCore

/// Builds the C-order, little-endian source for an array from the source of its stored data bytes.
enum NpyDataSource {
    /// The source for `header`'s tensor over `stored` (its data bytes as they lie in the file).
    /// `isRandomAccess` says whether `stored` can serve the whole tensor at once without a copy.
    static func make(header: NpyHeader, stored: any TensorByteSource, isRandomAccess: Bool) -> any TensorByteSource {
        var source = stored
        if header.isFortranOrder {
            let whole = isRandomAccess ? stored : MaterializedSource(base: stored, byteCount: header.info.byteCount)
            source = FortranOrderSource(base: whole, info: header.info)
        }
        if header.isBigEndian {
            source = ByteSwappingSource(base: source, componentWidth: header.info.dtype.componentType.byteWidth)
        }
        return source
    }
}
