#if canImport(Glibc)
import Glibc
#else
#error("Tureen builds on Linux (Glibc) only")
#endif
import SystemPackage

/// A whole file mapped read-only into memory. The only place in Tureen that calls `mmap`,
/// `madvise` and `munmap`; callers reach the bytes through closure-scoped, bounds-checked views.
///
/// Pages are loaded lazily by the kernel, so mapping a file larger than RAM costs address space,
/// not memory; `releasePages(in:)` drops pages the caller has finished with. While the process's
/// `DescriptorBudget` allows, the file also stays open for `read(_:into:)`, which copies bytes out
/// of the page cache without mapping them.
package final class MappedFile: @unchecked Sendable {
    // Safe to share: every stored property is immutable after init; `pread` and reads of a
    // read-only mapping may run on any number of threads at once.
    /// The path the file was opened from.
    package let path: String
    /// The file's size in bytes.
    package let count: Int
    private let base: UnsafeRawPointer?
    /// Kept open for positioned reads while the budget allows; nil otherwise.
    private let descriptor: FileDescriptor?
    private let budget: DescriptorBudget
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Opens and maps `path` read-only, keeping it open for positioned reads if `budget` allows.
    /// A zero-length file maps to an empty view.
    ///
    /// - Throws: `TensorStoreError.cannotOpen`, `.notARegularFile` or `.cannotMap`.
    package init(path: String, budget: DescriptorBudget = .shared) throws {
        self.path = path
        self.budget = budget
        let descriptor: FileDescriptor
        do {
            // Non-blocking, so that opening a FIFO or device does not wait forever (it is then refused).
            descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec, .nonBlocking])
        } catch {
            throw TensorStoreError.cannotOpen(path: path, errno: error as? Errno ?? .ioError)
        }
        do {
            let status: Stat
            do { status = try descriptor.stat() } catch { throw TensorStoreError.cannotOpen(path: path, errno: error) }
            guard status.type == .regular else { throw TensorStoreError.notARegularFile(path: path) }
            count = Int(status.size)
            if count > 0 {
                let address = mmap(nil, count, PROT_READ, MAP_SHARED, descriptor.rawValue, 0)
                guard let address, address != MAP_FAILED else { throw TensorStoreError.cannotMap(path: path, errno: .latest) }
                base = UnsafeRawPointer(address)
            } else {
                base = nil
            }
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
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
        if let descriptor {
            try? descriptor.close()
            budget.release()
        }
    }

    /// Whether `read(_:into:)` is available: the file kept its descriptor.
    package var supportsPositionedReads: Bool { descriptor != nil }

    /// Copies the bytes in `range` into `buffer`, which holds at least `range.count` bytes, with
    /// `pread`: safe from any thread, and nothing is mapped into the process. (Copying from the
    /// page cache this way streams faster than reading through the mapping, which pays a page
    /// fault every few pages and a TLB miss on every one.)
    ///
    /// - Precondition: `supportsPositionedReads`.
    /// - Throws: `TensorStoreError.rangeOutsideFile` if `range` is not inside the file;
    ///   `.cannotRead` on an I/O error; `.truncatedWhileReading` if the file has shrunk since it was opened.
    package func read(_ range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw TensorStoreError.rangeOutsideFile(path: path, range: range, fileSize: count)
        }
        precondition(buffer.count >= range.count, "read buffer too small")
        guard let descriptor else { preconditionFailure("\(path) has no descriptor for positioned reads") }
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

    /// Calls `body` with a view of the bytes in `range`; the view is valid only inside `body`.
    ///
    /// - Throws: `TensorStoreError.rangeOutsideFile` if `range` is not inside the file, or what `body` throws.
    package func withUnsafeBytes<Result>(
        in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw TensorStoreError.rangeOutsideFile(path: path, range: range, fileSize: count)
        }
        guard let base, !range.isEmpty else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    /// Calls `body` with a view of the whole file.
    package func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        guard let base else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Tells the kernel that this process no longer needs the whole pages inside `range`, so they
    /// leave its resident set (the page cache keeps them). Reading them again faults them back in.
    package func releasePages(in range: Range<Int>) {
        guard let base else { return }
        let lower = max(0, range.lowerBound)
        let upper = min(count, range.upperBound)
        let firstPage = (lower + MappedFile.pageSize - 1) / MappedFile.pageSize * MappedFile.pageSize
        let endPage = upper == count ? upper : upper / MappedFile.pageSize * MappedFile.pageSize
        guard endPage > firstPage else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + firstPage), endPage - firstPage, MADV_DONTNEED)
    }

    /// Hints that `range` will be read soon and in order, so the kernel can read ahead.
    package func adviseWillNeed(_ range: Range<Int>) {
        guard let base else { return }
        let lower = max(0, range.lowerBound) / MappedFile.pageSize * MappedFile.pageSize
        let upper = min(count, range.upperBound)
        guard upper > lower else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + lower), upper - lower, MADV_WILLNEED)
    }
}
