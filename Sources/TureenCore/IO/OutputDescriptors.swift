#if canImport(Glibc)
import Glibc
#endif

/// The two descriptors of an output's temporary file and the system calls that write it: one
/// through the page cache, and one with `O_DIRECT` for whole blocks where the file system allows
/// it (dropped, for the rest of the file, the first time a direct write is refused). Used by one
/// thread at a time: `OutputFile` waits for its writer before it calls anything here itself.
final class OutputDescriptors: @unchecked Sendable {
    private let path: String
    private var buffered: Int32
    private var direct: Int32?
    private var writebackStarted = 0
    /// Writeback of bytes written through the page cache starts every this many bytes, so the
    /// disk works while the producer computes, the final fsync has little left to wait for, and
    /// written pages leave the page cache instead of crowding a memory-limited process.
    private static let writebackInterval = 32 << 20

    /// Descriptors for the temporary file of the output at `path` (named in errors).
    init(path: String, buffered: Int32, direct: Int32?) {
        self.path = path
        self.buffered = buffered
        self.direct = direct
    }

    /// Writes one piece of a stage: whole blocks directly when possible, anything else buffered.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` on an I/O error.
    func write(_ piece: BlockAlignedStage.Piece) throws {
        if piece.isWholeBlocks, let direct {
            guard let failure = Self.writeAll(piece.bytes, at: piece.offset, to: direct) else { return }
            guard failure == EINVAL else { throw error(failure) }
            close(direct)
            self.direct = nil
        }
        try writeBuffered(piece.bytes, at: piece.offset)
    }

    /// Writes `bytes` at `offset` through the page cache.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` on an I/O error.
    func writeBuffered(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        if let failure = Self.writeAll(bytes, at: offset, to: buffered) { throw error(failure) }
        startWritebackIfDue(upTo: offset + bytes.count)
    }

    /// Flushes the file to the disk.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if fsync fails.
    func sync() throws {
        guard fsync(buffered) == 0 else { throw error(errno) }
    }

    /// Closes both descriptors (again: a no-op).
    func closeAll() {
        if buffered >= 0 { close(buffered) }
        if let direct { close(direct) }
        buffered = -1
        direct = nil
    }

    private func error(_ code: Int32) -> TensorStoreError {
        .cannotWrite(path: path, reason: String(cString: strerror(code)))
    }

    /// Writes all of `bytes` at `offset`, retrying interrupted and short writes.
    ///
    /// - Returns: the `errno` of a failed write, or nil.
    private static func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: Int, to target: Int32) -> Int32? {
        var done = 0
        while done < bytes.count {
            let written = pwrite(target, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += written
        }
        return nil
    }

    private func startWritebackIfDue(upTo end: Int) {
        guard end - writebackStarted >= Self.writebackInterval else { return }
        // DONTNEED starts writeback of dirty pages without waiting, and drops the clean ones.
        posix_fadvise(buffered, off_t(writebackStarted), off_t(end - writebackStarted), POSIX_FADV_DONTNEED)
        writebackStarted = end
    }
}
