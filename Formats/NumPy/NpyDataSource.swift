import TureenCore

/// Builds the C-order, little-endian source for an array from the source of its stored data bytes.
enum NpyDataSource {
    /// The source for `header`'s tensor over `stored` (its data bytes as they lie in the file).
    /// A Fortran-order array is read whole into memory first: the transpose needs random access,
    /// and the file is read with `pread`, never through a mapping (see `MappedFile`).
    static func make(header: NpyHeader, stored: any TensorByteSource) -> any TensorByteSource {
        var source = stored
        if header.isFortranOrder {
            let whole = MaterializedSource(base: stored, byteCount: header.info.byteCount)
            source = FortranOrderSource(base: whole, info: header.info)
        }
        if header.isBigEndian {
            source = ByteSwappingSource(base: source, componentWidth: header.info.dtype.componentType.byteWidth)
        }
        return source
    }
}
