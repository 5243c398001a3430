/// An HDF5 file laid out in memory by libhdf5 (through `HDF5ByteDriver`) with its datasets
/// allocated but never written: only the metadata libhdf5 writes takes memory, in 4 KiB pages,
/// and the rest reads as zeros. The writer then streams the file in address order, taking each
/// dataset's bytes from the producer (`HDF5StreamedLayout`), so an HDF5 file can be written
/// where it cannot be seeked in, as a member of a zip archive.
final class HDF5MemoryImage: HDF5Bytes {
    private static let pageSize = 4096
    private var pages: [Int: [UInt8]] = [:]
    private(set) var size = 0

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        forEachPage(from: offset, count: buffer.count) { page, inPage, done in
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[done..<(done + inPage.count)])
            if let bytes = pages[page] {
                bytes.withUnsafeBytes { target.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[inPage])) }
            } else {
                target.initializeMemory(as: UInt8.self, repeating: 0)
            }
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        forEachPage(from: offset, count: bytes.count) { page, inPage, done in
            pages[page, default: [UInt8](repeating: 0, count: Self.pageSize)].withUnsafeMutableBytes { target in
                UnsafeMutableRawBufferPointer(rebasing: target[inPage]).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[done..<(done + inPage.count)]))
            }
        }
        size = max(size, offset + bytes.count)
    }

    /// Calls `body` for each page that `count` bytes from `offset` touch: the page, the bytes of
    /// it they take, and how many bytes come before them.
    private func forEachPage(from offset: Int, count: Int, _ body: (_ page: Int, _ inPage: Range<Int>, _ done: Int) -> Void) {
        var done = 0
        while done < count {
            let start = (offset + done) % Self.pageSize
            let taken = min(Self.pageSize - start, count - done)
            body((offset + done) / Self.pageSize, start..<(start + taken), done)
            done += taken
        }
    }

    func truncate(to size: Int) throws {
        self.size = size
        pages = pages.filter { $0.key * Self.pageSize < size }
    }

    /// The metadata bytes in `range`, zeros where libhdf5 wrote nothing.
    func bytes(in range: Range<Int>) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: range.count)
        result.withUnsafeMutableBytes { try? read(at: range.lowerBound, into: $0) }
        return result
    }
}
