#if canImport(Glibc)
import Glibc
#endif
import TureenCore

/// The evaluator processes running right now (each the leader of a process group of its own), so
/// that an interrupted command can end them before it exits.
package enum RunningChildren {
    private static let groups = LockedValue<Set<pid_t>>([])

    static func insert(_ group: pid_t) {
        _ = groups.withLock { $0.insert(group) }
    }

    static func remove(_ group: pid_t) {
        _ = groups.withLock { $0.remove(group) }
    }

    /// Sends SIGTERM to every running evaluator's process group, gives them a moment to exit,
    /// then SIGKILL. For an interrupt handler that is about to exit the process.
    package static func terminateAll() {
        let running = groups.withLock { $0 }
        guard !running.isEmpty else { return }
        for group in running { kill(-group, SIGTERM) }
        usleep(300_000)
        for group in running { kill(-group, SIGKILL) }
    }
}
