#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

extension Errno {
    /// The error of the last failed C library call on this thread, for the calls swift-system has
    /// no wrapper for (`mmap`, `mkstemp`, `rename`, `fsync`, …).
    package static var latest: Errno { Errno(rawValue: errno) }
}
