#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A file written through a temporary file beside its destination: sequential or positioned
/// writes, positioned rewrites of earlier bytes (to patch headers), then `commit()` fsyncs and
/// renames it into place. Dropped without `commit()`, it removes the temporary file, so nothing
/// partial is left.
///
/// Bytes are collected in block-aligned stages, written on a thread of their own while the caller
/// fills the next stage. Whole blocks go to the disk with `O_DIRECT` where the file system allows
/// it, so writing a model does not fill the page cache with dirty pages (the kernel would copy
/// every byte, then flush it all at the final fsync). Partial blocks, and every block where direct
/// I/O is refused, are written through the page cache.
package final class OutputFile {
    /// The final path.
    package let destination: String
    /// The temporary path being written.
    package let temporaryPath: String
    /// The path errors name: where the file will be once in place (inside its folder's final path
    /// for a file of an `OutputFolder`), never a temporary name the user has not seen.
    private let reportedPath: String
    /// The number of bytes written so far (the current end of the file).
    package private(set) var length: Int = 0
    private let descriptors: OutputDescriptors
    /// Two stages: one is filled while the other is being written.
    private let stages: [BlockAlignedStage]
    private var stageTickets: [SerialWorker.Ticket]
    private var current = 0
    private let writer: SerialWorker
    private var committed = false
    private let isFinalOutput: Bool
    /// Sees every byte appended with `write(_:)`, in order, as it is appended: a checksum of a file
    /// written from start to end without positioned writes (a shard of a partitioned run).
    package var onAppend: ((UnsafeRawBufferPointer) -> Void)?

    /// Creates the temporary file beside `destination`, staging `bufferSize` bytes at a time, after
    /// removing the leftovers of dead Tureen processes there. The file gets the mode of the file it
    /// will replace, or the umask's default. `isFinalOutput` is false for a file inside an
    /// `OutputFolder`, which is not in place until the folder is; errors then name `reportedAs`,
    /// the path the file will have.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if the folder is not writable; `.cannotStartThread`.
    package init(destination: String, bufferSize: Int = 8 << 20, isFinalOutput: Bool = true, reportedAs: String? = nil) throws {
        writer = try SerialWorker()
        self.destination = destination
        reportedPath = reportedAs ?? destination
        self.isFinalOutput = isFinalOutput
        if isFinalOutput { StaleTemporaries.clean(folder: FileSystem.folder(of: destination)) }
        var made: Int32 = -1
        let created = TemporaryOutputs.create(isFolder: false) {
            var template = Array(TemporaryOutputs.template(beside: destination).utf8CString)
            made = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            return made >= 0 ? String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
        }
        guard let created else { throw TensorStoreError.cannotWrite(path: reportedPath, errno: .latest) }
        temporaryPath = created
        fchmod(made, OutputMode.mode(replacing: destination, isFolder: false))
        _ = fcntl(made, F_SETFD, FD_CLOEXEC)
        let descriptor = FileDescriptor(rawValue: made)
        descriptors = OutputDescriptors(path: reportedPath, buffered: descriptor, direct: DirectIO.reopenForWriting(descriptor))
        stages = [BlockAlignedStage(capacity: bufferSize), BlockAlignedStage(capacity: bufferSize)]
        stageTickets = [0, 0]
    }

    deinit {
        try? writer.finish()
        descriptors.closeAll()
        if !committed { unlink(temporaryPath) }
        TemporaryOutputs.unregister(temporaryPath)
    }

    /// Appends `bytes` at the end of the file.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` on an I/O error (disk full, …).
    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        onAppend?(bytes)
        try write(bytes, at: length)
    }

    /// Appends `bytes` at the end of the file.
    package func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Overwrites already-written bytes at `offset` (for headers patched once sizes are known).
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if the range is past the end or on an I/O error.
    package func overwrite(_ bytes: [UInt8], at offset: Int) throws {
        guard offset >= 0, let end = CheckedArithmetic.sum(offset, bytes.count), end <= length else {
            throw TensorStoreError.writeOutsideOutput(path: reportedPath, offset: offset, length: bytes.count)
        }
        try handOffStage()
        try writer.finish()
        try bytes.withUnsafeBytes { try descriptors.writeBuffered($0, at: offset) }
    }

    /// Writes `bytes` at `offset`, which may lie past the current end (the file grows; a gap reads
    /// as zeros), for formats whose library lays out the file and leaves the data to be streamed
    /// into place. `length` becomes the furthest end written; sequential writes continue from it.
    ///
    /// - Throws: `TensorStoreError.cannotWrite` for a negative offset or on an I/O error.
    package func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        guard offset >= 0, let end = CheckedArithmetic.sum(offset, bytes.count) else {
            throw TensorStoreError.writeOutsideOutput(path: reportedPath, offset: offset, length: bytes.count)
        }
        // Nothing written leaves the file as it is (a gap past the end would not exist on disk).
        guard !bytes.isEmpty else { return }
        if offset != stages[current].end { try handOffStage(continuingAt: offset) }
        var taken = 0
        while taken < bytes.count {
            taken += stages[current].append(UnsafeRawBufferPointer(rebasing: bytes[taken...]))
            if stages[current].isFull { try handOffStage() }
        }
        length = max(length, end)
    }

    /// Writes every staged byte, fsyncs and renames the file into place (with interrupts held off
    /// during the rename, so an interrupt reports truthfully whether it happened).
    ///
    /// - Throws: `TensorStoreError.cannotWrite` if any step fails (the temporary file is then removed).
    package func commit() throws {
        try handOffStage()
        try writer.finish()
        try descriptors.sync()
        descriptors.closeAll()
        try TemporaryOutputs.publish(temporaryPath, as: isFinalOutput ? destination : nil) {
            guard rename(temporaryPath, destination) == 0 else { throw TensorStoreError.cannotWrite(path: reportedPath, errno: .latest) }
            return nil
        }
        committed = true
        if isFinalOutput { FileSystem.syncFolder(FileSystem.folder(of: destination)) }
    }

    /// Queues the current stage's bytes for writing and continues the run (at `offset`, or where
    /// the stage ended) in the other stage, once that one has been written.
    private func handOffStage(continuingAt offset: Int? = nil) throws {
        let stage = stages[current]
        let next = offset ?? stage.end
        if !stage.isEmpty {
            let pieces = stage.pieces()
            let descriptors = descriptors
            stageTickets[current] = writer.submit {
                for piece in pieces { try descriptors.write(piece) }
            }
            current = 1 - current
            try writer.wait(for: stageTickets[current])
        }
        stages[current].start(at: next)
    }
}
