import TureenCore

/// An HDF5 file's bytes inside an input file: the whole file, or a byte range of it (a `.keras`
/// archive's stored `model.weights.h5`). libhdf5 reads a whole file itself and a range through
/// `HDF5ByteDriver`; tensor bytes are read from `file` with `pread` either way.
package final class HDF5FileRegion: HDF5Bytes {
    /// The input file.
    package let file: MappedFile
    /// Where the HDF5 file lies in it.
    package let range: Range<Int>
    /// How messages name the HDF5 file: the path, or the path and the archive member.
    package let label: String

    /// The whole of `file`.
    package init(wholeFile file: MappedFile) {
        self.file = file
        range = 0..<file.count
        label = file.path
    }

    /// `range` of `file`, named `label` in messages.
    ///
    /// - Throws: `TensorStoreError.rangeOutsideFile` if the range does not lie inside the file.
    package init(_ range: Range<Int>, of file: MappedFile, label: String) throws {
        guard range.lowerBound >= 0, range.upperBound <= file.count else {
            throw TensorStoreError.rangeOutsideFile(path: file.path, range: range, fileSize: file.count)
        }
        self.file = file
        self.range = range
        self.label = label
    }

    /// Whether the region is the whole file, which libhdf5 opens by its path.
    var isWholeFile: Bool { range == 0..<file.count }

    var size: Int { range.count }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        try file.read((range.lowerBound + offset)..<(range.lowerBound + offset + buffer.count), into: buffer)
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        throw HDF5Error.library(path: label, object: "/", operation: "write", detail: "the file is open for reading only")
    }

    func truncate(to size: Int) throws {
        throw HDF5Error.library(path: label, object: "/", operation: "truncate", detail: "the file is open for reading only")
    }
}
