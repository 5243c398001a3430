#if canImport(Glibc)
import Glibc
#endif

/// A file written through a temporary file beside its destination: buffered sequential writes,
/// positioned rewrites of earlier bytes (to patch headers), then `commit()` fsyncs and renames it
/// into place. Dropped without `commit()`, it removes the temporary file, so nothing partial is left.
public final class OutputFile {
    /// The final path.
    public let destination: String
    /// The temporary path being written.
    public let temporaryPath: String
    /// The number of bytes written so far (the current end of the file).
    public private(set) var length: Int = 0
    private var descriptor: Int32
    private var buffer: UnsafeMutableRawBufferPointer
    private var buffered = 0
    private var committed = false
    private var writebackStarted = 0
    /// Writeback of written bytes starts every this many bytes, so the disk works while the
    /// producer computes, the final fsync has little left to wait for, and written pages leave
    /// the page cache instead of crowding a memory-limited process.
    private static let writebackInterval = 32 << 20

    /// Creates the temporary file beside `destination`.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if the folder is not writable.
    public init(destination: String, bufferSize: Int = 1 << 20) throws {
        self.destination = destination
        let folder = OutputFile.folder(of: destination)
        let base = destination.split(separator: "/").last.map(String.init) ?? "output"
        var template = Array("\(folder)/.\(base).tureen-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard made >= 0 else {
            throw TensorStoreError.cannotWrite(path: destination, reason: String(cString: strerror(errno)))
        }
        descriptor = made
        temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        TemporaryOutputs.register(temporaryPath, isFolder: false)
        fchmod(descriptor, 0o644)
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 64)
    }

    deinit {
        buffer.deallocate()
        if descriptor >= 0 { close(descriptor) }
        if !committed { unlink(temporaryPath) }
        TemporaryOutputs.unregister(temporaryPath)
    }

    /// Appends `bytes` at the end of the file.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` on an I/O error (disk full, …).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if bytes.count >= buffer.count {
            try flush()
            try writeAll(bytes, at: length - buffered)
            length += bytes.count
            return
        }
        if buffered + bytes.count > buffer.count { try flush() }
        UnsafeMutableRawBufferPointer(rebasing: buffer[buffered..<(buffered + bytes.count)]).copyMemory(from: bytes)
        buffered += bytes.count
        length += bytes.count
    }

    /// Appends `bytes` at the end of the file.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Overwrites already-written bytes at `offset` (for headers patched once sizes are known).
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if the range is past the end or on an I/O error.
    public func overwrite(_ bytes: [UInt8], at offset: Int) throws {
        guard offset >= 0, let end = CheckedArithmetic.sum(offset, bytes.count), end <= length else {
            throw TensorStoreError.cannotWrite(path: destination, reason: "internal: patch at \(offset) is past the end")
        }
        try flush()
        try bytes.withUnsafeBytes { try writeAll($0, at: offset) }
    }

    /// Writes `bytes` at `offset`, which may lie past the current end (the file grows; a gap reads
    /// as zeros), for formats whose library lays out the file and leaves the data to be streamed
    /// into place. `length` becomes the furthest end written; sequential writes continue from it.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` for a negative offset or on an I/O error.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        guard offset >= 0, let end = CheckedArithmetic.sum(offset, bytes.count) else {
            throw TensorStoreError.cannotWrite(path: destination, reason: "internal: write at \(offset) is outside the file")
        }
        try flush()
        try writeAll(bytes, at: offset)
        length = max(length, end)
    }

    /// Writes buffered bytes to the file.
    public func flush() throws {
        guard buffered > 0 else { return }
        try writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<buffered]), at: length - buffered)
        buffered = 0
    }

    /// Flushes, fsyncs and renames the file into place.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if any step fails (the temporary file is then removed).
    public func commit() throws {
        try flush()
        guard fsync(descriptor) == 0 else {
            throw TensorStoreError.cannotWrite(path: destination, reason: String(cString: strerror(errno)))
        }
        close(descriptor)
        descriptor = -1
        guard rename(temporaryPath, destination) == 0 else {
            throw TensorStoreError.cannotWrite(path: destination, reason: String(cString: strerror(errno)))
        }
        committed = true
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if written < 0 {
                if errno == EINTR { continue }
                throw TensorStoreError.cannotWrite(path: destination, reason: String(cString: strerror(errno)))
            }
            done += written
        }
        startWritebackIfDue(upTo: offset + bytes.count)
    }

    private func startWritebackIfDue(upTo end: Int) {
        guard end - writebackStarted >= OutputFile.writebackInterval else { return }
        // DONTNEED starts writeback of dirty pages without waiting, and drops the clean ones.
        posix_fadvise(descriptor, off_t(writebackStarted), off_t(end - writebackStarted), POSIX_FADV_DONTNEED)
        writebackStarted = end
    }

    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }
}
