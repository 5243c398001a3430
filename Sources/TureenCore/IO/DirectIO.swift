import CTureenSystem
import SystemPackage

/// Writes that bypass the page cache (`O_DIRECT`), for outputs far larger than the memory a soup
/// or conversion should disturb: whole aligned blocks go from the stage to the disk, with no copy
/// into the page cache and no dirty pages for the kernel to flush later.
enum DirectIO {
    /// A second, write-only descriptor with `O_DIRECT` for the file open as `descriptor` (reopened
    /// through `/proc/self/fd`, so it is the same file even if its path is replaced meanwhile), or
    /// nil where the file system does not offer direct I/O; writes then stay buffered.
    static func reopenForWriting(_ descriptor: FileDescriptor) -> FileDescriptor? {
        // O_DIRECT comes from the C library's headers (Swift's Glibc module hides it behind _GNU_SOURCE).
        let options: FileDescriptor.OpenOptions = [.closeOnExec, FileDescriptor.OpenOptions(rawValue: c_tureen_o_direct())]
        return try? FileDescriptor.open(FilePath("/proc/self/fd/\(descriptor.rawValue)"), .writeOnly, options: options)
    }
}
