#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// The two descriptors of an output's temporary file and the system calls that write it: one
/// through the page cache, and one with `O_DIRECT` for whole blocks where the file system allows
/// it (dropped, for the rest of the file, the first time a direct write is refused). Used by one
/// thread at a time: `OutputFile` waits for its writer before it calls anything here itself.
final class OutputDescriptors: @unchecked Sendable {
    // Safe to share: one thread at a time uses it (the writer's jobs, or the owner once it has
    // waited for them), so its mutable state is never touched concurrently.
    private let path: String
    private var buffered: FileDescriptor?
    private var direct: FileDescriptor?
    private var writebackStarted = 0
    /// Writeback of bytes written through the page cache starts every this many bytes, so the
    /// disk works while the producer computes, the final fsync has little left to wait for, and
    /// written pages leave the page cache instead of crowding a memory-limited process.
    private static let writebackInterval = 32 << 20

    /// Descriptors for the temporary file of the output at `path` (named in errors).
    init(path: String, buffered: FileDescriptor, direct: FileDescriptor?) {
        self.path = path
        self.buffered = buffered
        self.direct = direct
    }

    /// Writes one piece of a stage: whole blocks directly when possible, anything else buffered.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` on an I/O error.
    func write(_ piece: BlockAlignedStage.Piece) throws {
        if piece.isWholeBlocks, let direct {
            do {
                // Interrupted and short writes are retried by swift-system.
                _ = try direct.writeAll(toAbsoluteOffset: Int64(piece.offset), piece.bytes)
                return
            } catch Errno.invalidArgument {
                // The file system refuses direct I/O (or this alignment): buffered from now on.
                try? direct.close()
                self.direct = nil
            } catch {
                throw TensorStoreError.cannotWrite(path: path, errno: error as? Errno ?? .ioError)
            }
        }
        try writeBuffered(piece.bytes, at: piece.offset)
    }

    /// Writes `bytes` at `offset` through the page cache.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` on an I/O error.
    func writeBuffered(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        let buffered = try openBuffered()
        do {
            _ = try buffered.writeAll(toAbsoluteOffset: Int64(offset), bytes)
        } catch {
            throw TensorStoreError.cannotWrite(path: path, errno: error as? Errno ?? .ioError)
        }
        startWritebackIfDue(upTo: offset + bytes.count, on: buffered)
    }

    /// Flushes the file to the disk.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if fsync fails.
    func sync() throws {
        guard fsync(try openBuffered().rawValue) == 0 else { throw TensorStoreError.cannotWrite(path: path, errno: .latest) }
    }

    /// Closes both descriptors (again: a no-op).
    func closeAll() {
        try? buffered?.close()
        try? direct?.close()
        buffered = nil
        direct = nil
    }

    private func openBuffered() throws -> FileDescriptor {
        guard let buffered else { throw TensorStoreError.cannotWrite(path: path, errno: .badFileDescriptor) }
        return buffered
    }

    private func startWritebackIfDue(upTo end: Int, on descriptor: FileDescriptor) {
        guard end - writebackStarted >= Self.writebackInterval else { return }
        // DONTNEED starts writeback of dirty pages without waiting, and drops the clean ones.
        posix_fadvise(descriptor.rawValue, off_t(writebackStarted), off_t(end - writebackStarted), POSIX_FADV_DONTNEED)
        writebackStarted = end
    }
}
