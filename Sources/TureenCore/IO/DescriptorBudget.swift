#if canImport(Glibc)
import Glibc
#endif

/// How many input files may keep a descriptor open for positioned reads (`MappedFile.read`).
/// Mappings do not count toward the process's limit on open files, descriptors do: a soup of
/// checkpoints with hundreds of shards each must not run out of them. Files past the budget close
/// their descriptor once mapped and are read through the mapping instead.
package final class DescriptorBudget: Sendable {
    /// The budget every `MappedFile` draws from by default: half the soft limit on open files at
    /// first use, leaving the rest to outputs, libraries and the caller.
    package static let shared = DescriptorBudget(limit: DescriptorBudget.halfTheSoftLimit())

    private let limit: Int
    private let used = LockedValue(0)

    /// A budget of `limit` descriptors.
    package init(limit: Int) {
        self.limit = limit
    }

    /// Takes one descriptor from the budget, if any is left.
    func reserve() -> Bool {
        used.withLock { used in
            guard used < limit else { return false }
            used += 1
            return true
        }
    }

    /// Gives back a descriptor taken with `reserve()`.
    func release() {
        used.withLock { $0 -= 1 }
    }

    private static func halfTheSoftLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        return Int(min(limit.rlim_cur, 1 << 20)) / 2
    }
}
