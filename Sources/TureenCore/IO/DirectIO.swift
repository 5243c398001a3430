#if canImport(Glibc)
import Glibc
#endif

/// Writes that bypass the page cache (`O_DIRECT`), for outputs far larger than the memory a soup
/// or conversion should disturb: whole aligned blocks go from the stage to the disk, with no copy
/// into the page cache and no dirty pages for the kernel to flush later.
enum DirectIO {
    /// `O_DIRECT`, which Swift's Glibc module does not export (it is behind `_GNU_SOURCE`).
    private static var flag: Int32? {
        #if os(Linux) && arch(x86_64)
        return 0o40000
        #elseif os(Linux) && arch(arm64)
        return 0o200000
        #else
        return nil
        #endif
    }

    /// A second, write-only descriptor with `O_DIRECT` for the file open as `descriptor` (reopened
    /// through `/proc/self/fd`, so it is the same file even if its path is replaced meanwhile), or
    /// nil where the platform or file system does not offer direct I/O; writes then stay buffered.
    static func reopenForWriting(_ descriptor: Int32) -> Int32? {
        guard let flag else { return nil }
        let direct = open("/proc/self/fd/\(descriptor)", O_WRONLY | O_CLOEXEC | flag)
        return direct >= 0 ? direct : nil
    }
}
