/// Where a tensor's bytes come from: C order, little-endian, `info.byteCount` bytes in all.
///
/// Readers return sources; the soup engine and writers pull bytes from them a chunk at a time, so a
/// tensor never has to fit in memory. Ranges are requested in increasing order by one thread at a
/// time; a source whose bytes are decoded (deflate, byte-swapping, hyperslab reads) may restart its
/// decoder if an earlier range is asked for.
public protocol TensorByteSource: AnyObject {
    /// Calls `body` with the bytes in `range` (relative to the tensor's first byte). The view is
    /// valid only inside `body`; mapped sources hand out the mapped bytes themselves.
    ///
    /// - Throws: an error naming the file and tensor if the bytes cannot be read, or what `body` throws.
    func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result

    /// Says that bytes before `offset` will not be asked for again, so their memory can be released.
    func releaseBytes(before offset: Int)

    /// Whether `copyBytes(in:into:)` may be called from several threads at once, for any range in
    /// any order (bytes that sit in a file or in memory as they are; not a decoder's output).
    var supportsConcurrentCopies: Bool { get }

    /// Copies the bytes in `range` into `buffer`, which holds at least `range.count` bytes.
    ///
    /// - Throws: an error naming the file and tensor if the bytes cannot be read.
    func copyBytes(in range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws
}

extension TensorByteSource {
    public func releaseBytes(before offset: Int) {}

    public var supportsConcurrentCopies: Bool { false }

    public func copyBytes(in range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
        try copyBytesFromView(in: range, into: buffer)
    }

    /// `copyBytes(in:into:)` through `withBytes`.
    func copyBytesFromView(in range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
        try withBytes(in: range) { UnsafeMutableRawBufferPointer(rebasing: buffer[0..<range.count]).copyMemory(from: $0) }
    }
}

/// A tensor whose bytes lie, as they are, in a file: read with `pread` (`MappedFile`), never
/// through a mapping, so a file that shrinks meanwhile is an error, not SIGBUS.
package final class MappedTensorSource: TensorByteSource {
    /// The file holding the bytes.
    package let file: MappedFile
    /// The tensor's byte range within the file.
    package let fileRange: Range<Int>
    /// Holds the last range `withBytes` read; grown to the largest range asked for.
    private var buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    /// A source over `fileRange` of `file`.
    ///
    /// - Throws: `TensorStoreError.rangeOutsideFile` if the range is not inside the file.
    package init(file: MappedFile, fileRange: Range<Int>) throws {
        guard fileRange.lowerBound >= 0, fileRange.upperBound <= file.count else {
            throw TensorStoreError.rangeOutsideFile(path: file.path, range: fileRange, fileSize: file.count)
        }
        self.file = file
        self.fileRange = fileRange
    }

    deinit {
        buffer.deallocate()
    }

    package func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        if buffer.count < range.count {
            buffer.deallocate()
            buffer = .allocate(byteCount: range.count, alignment: 64)
        }
        let view = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<range.count])
        try copyBytes(in: range, into: view)
        return try body(UnsafeRawBufferPointer(view))
    }

    /// Frees the read buffer once the whole tensor has been consumed.
    package func releaseBytes(before offset: Int) {
        guard offset >= fileRange.count else { return }
        buffer.deallocate()
        buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    }

    /// True while the file keeps a descriptor for positioned reads (see `DescriptorBudget`).
    package var supportsConcurrentCopies: Bool { file.supportsPositionedReads }

    package func copyBytes(in range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard range.lowerBound >= 0, range.upperBound <= fileRange.count else {
            throw TensorStoreError.rangeOutsideFile(path: file.path, range: range, fileSize: fileRange.count)
        }
        try file.read((fileRange.lowerBound + range.lowerBound)..<(fileRange.lowerBound + range.upperBound), into: buffer)
    }
}

/// A tensor whose bytes are held in memory: for small tensors, tests and decoded data.
public final class MemoryTensorSource: TensorByteSource {
    /// The tensor's bytes.
    public let bytes: [UInt8]

    /// A source over `bytes`.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else {
            throw TensorStoreError.rangeOutsideFile(path: "<memory>", range: range, fileSize: bytes.count)
        }
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    public var supportsConcurrentCopies: Bool { true }
}
