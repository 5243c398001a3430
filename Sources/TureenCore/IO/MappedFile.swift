#if canImport(Glibc)
import Glibc
#else
#error("Tureen builds on Linux (Glibc) only")
#endif
import SystemPackage

/// An input file opened read-only. Every read of its bytes is a `pread` into memory Tureen owns;
/// no file is ever mapped. (The one `mmap` in Tureen is here: anonymous memory for the zip
/// directory parser's whole-file view, filled with `pread` on demand.)
///
/// Why no reads through a mapping: a file that shrinks after it was mapped turns every read of a
/// page past its new end into SIGBUS, which kills the process (exit 135) and leaves the output's
/// temporary file behind. A `pread` past the end returns 0 instead, which becomes
/// `TensorStoreError.truncatedWhileReading`, an error like any other. It costs nothing in speed: the
/// kernel copies from the page cache faster than the process can fault the mapping in
/// (Docs/benchmarks.md, Docs/security.md).
///
/// While the process's `DescriptorBudget` allows, the file stays open; past it, each read opens
/// the path again and checks that it is still the same file (device and inode).
package final class MappedFile: @unchecked Sendable {
    // Safe to share: every stored property is immutable after init, and `pread` may run on any
    // number of threads at once.
    /// The path the file was opened from.
    package let path: String
    /// The file's size in bytes when it was opened.
    package let count: Int
    /// Kept open for positioned reads while the budget allows; nil otherwise.
    private let descriptor: FileDescriptor?
    private let identity: FileIdentity
    private let budget: DescriptorBudget
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Opens `path` read-only, keeping it open for positioned reads if `budget` allows.
    ///
    /// - Throws: `TensorStoreError.cannotOpen` or `.notARegularFile`.
    package init(path: String, budget: DescriptorBudget = .shared) throws {
        self.path = path
        self.budget = budget
        let descriptor = try Self.open(path)
        do {
            let status: Stat
            do { status = try descriptor.stat() } catch { throw TensorStoreError.cannotOpen(path: path, errno: error) }
            guard status.type == .regular else { throw TensorStoreError.notARegularFile(path: path) }
            count = Int(status.size)
            identity = FileIdentity(status)
        } catch {
            try? descriptor.close()
            throw error
        }
        if count > 0 && budget.reserve() {
            self.descriptor = descriptor
            // Reads go front to back: a larger read-ahead window.
            posix_fadvise(descriptor.rawValue, 0, 0, POSIX_FADV_SEQUENTIAL)
        } else {
            self.descriptor = nil
            try? descriptor.close()
        }
    }

    deinit {
        if let descriptor {
            try? descriptor.close()
            budget.release()
        }
    }

    /// Whether the file keeps its descriptor (see `DescriptorBudget`): reads need no `open`, so
    /// many threads may read at once without using more descriptors.
    package var supportsPositionedReads: Bool { descriptor != nil }

    /// Asks the kernel to read `range` into the page cache ahead of time (`POSIX_FADV_WILLNEED`),
    /// for readers whose reads interleave across threads, which the kernel's own read-ahead does
    /// not follow. Nothing is read into the process; without a kept descriptor this does nothing.
    package func adviseWillNeed(_ range: Range<Int>) {
        guard let descriptor else { return }
        let lower = max(0, range.lowerBound)
        let upper = min(count, range.upperBound)
        guard upper > lower else { return }
        posix_fadvise(descriptor.rawValue, off_t(lower), off_t(upper - lower), POSIX_FADV_WILLNEED)
    }

    /// Copies the bytes in `range` into `buffer`, which holds at least `range.count` bytes, with
    /// `pread`: safe from any thread.
    ///
    /// - Throws: `TensorStoreError.rangeOutsideFile` if `range` is not inside the file;
    ///   `.cannotRead` on an I/O error or if the path now names another file;
    ///   `.truncatedWhileReading` if the file has shrunk since it was opened.
    package func read(_ range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw TensorStoreError.rangeOutsideFile(path: path, range: range, fileSize: count)
        }
        precondition(buffer.count >= range.count, "read buffer too small")
        guard !range.isEmpty else { return }
        if let descriptor { return try read(range, from: descriptor, into: buffer) }
        let reopened = try Self.open(path)
        defer { try? reopened.close() }
        guard let status = try? reopened.stat(), FileIdentity(status) == identity else {
            throw TensorStoreError.cannotRead(path: path, errno: .staleNFSFileHandle)
        }
        try read(range, from: reopened, into: buffer)
    }

    private func read(_ range: Range<Int>, from descriptor: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer) throws {
        var done = 0
        while done < range.count {
            let got: Int
            do {
                // Interrupted reads are retried by swift-system.
                got = try descriptor.read(
                    fromAbsoluteOffset: Int64(range.lowerBound + done),
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[done..<range.count]))
            } catch {
                throw TensorStoreError.cannotRead(path: path, errno: error as? Errno ?? .ioError)
            }
            guard got > 0 else { throw TensorStoreError.truncatedWhileReading(path: path, endedAt: range.lowerBound + done) }
            done += got
        }
    }

    /// Calls `body` with a copy of the bytes in `range`, read with `read(_:into:)`; the view is
    /// valid only inside `body`.
    ///
    /// - Throws: what `read(_:into:)` throws, or what `body` throws.
    package func withUnsafeBytes<Result>(
        in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw TensorStoreError.rangeOutsideFile(path: path, range: range, fileSize: count)
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: range.count, alignment: 64)
        defer { buffer.deallocate() }
        try read(range, into: buffer)
        return try body(UnsafeRawBufferPointer(buffer))
    }

    /// The bytes in `range`, read with `read(_:into:)`.
    package func bytes(in range: Range<Int>) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: range.count) { buffer, initialized in
            try read(range, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = range.count
        }
    }

    /// Calls `body` with a view of the whole file that is filled on demand, and the function that
    /// fills it: `body` must call `load` with each range before reading it, and `load` reads the
    /// pages under the range with `pread`, each once. The view is private anonymous memory of the
    /// file's size, so only the pages loaded take memory. For parsers that need random access to a
    /// whole file without reading all of it (the zip directory: the end record, the central
    /// directory and each local header); a file that shrinks meanwhile makes `load` throw
    /// `TensorStoreError.truncatedWhileReading`, as every read does. The view and `load` are valid
    /// only inside `body`.
    ///
    /// - Throws: `TensorStoreError.cannotMap` if the view cannot be reserved, what `load` throws,
    ///   or what `body` throws.
    package func withBytesLoadedOnDemand<Result>(
        _ body: (UnsafeRawBufferPointer, _ load: @escaping (Range<Int>) throws -> Void) throws -> Result
    ) throws -> Result {
        guard count > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) { _ in } }
        let address = mmap(nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let address, address != MAP_FAILED else { throw TensorStoreError.cannotMap(path: path, errno: .latest) }
        defer { munmap(address, count) }
        let pageSize = MappedFile.pageSize
        var loaded = Set<Int>()
        let load: (Range<Int>) throws -> Void = { [self] range in
            guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= count else { return }
            var page = range.lowerBound / pageSize
            let endPage = (range.upperBound - 1) / pageSize + 1
            while page < endPage {
                guard !loaded.contains(page) else { page += 1; continue }
                var runEnd = page + 1
                while runEnd < endPage && !loaded.contains(runEnd) { runEnd += 1 }
                let bytes = (page * pageSize)..<min(count, runEnd * pageSize)
                try read(bytes, into: UnsafeMutableRawBufferPointer(start: address + bytes.lowerBound, count: bytes.count))
                loaded.formUnion(page..<runEnd)
                page = runEnd
            }
        }
        return try body(UnsafeRawBufferPointer(start: address, count: count), load)
    }

    /// Opens `path` read-only, non-blocking, so that opening a FIFO or device does not wait forever
    /// (it is then refused).
    private static func open(_ path: String) throws -> FileDescriptor {
        do {
            return try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec, .nonBlocking])
        } catch {
            throw TensorStoreError.cannotOpen(path: path, errno: error as? Errno ?? .ioError)
        }
    }
}

/// A file's device and inode: what makes it the same file whatever its path.
private struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64

    init(_ status: Stat) {
        device = UInt64(truncatingIfNeeded: status.deviceID.rawValue)
        inode = UInt64(truncatingIfNeeded: status.inode.rawValue)
    }
}
