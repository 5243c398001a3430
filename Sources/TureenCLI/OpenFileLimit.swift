#if canImport(Glibc)
import Glibc
#endif

/// The process's limit on open files. Every input file stays open while it is read (one
/// descriptor per shard), so a soup of sharded checkpoints can hold hundreds at once.
enum OpenFileLimit {
    /// Raises the soft limit to the hard one, as far as the system allows.
    static func raiseToHardLimit() {
        var limit = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        setrlimit(resource, &limit)
    }
}
