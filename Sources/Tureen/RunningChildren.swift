#if canImport(Glibc)
import Glibc
#endif
import TureenCore

/// The evaluator processes running right now (each the leader of a process group of its own), so
/// that an interrupted command can end them before it exits.
package enum RunningChildren {
    private static let groups = LockedValue<Set<pid_t>>([])
    /// Set once an interrupt handler has started ending the process.
    private static let ending = LockedValue(false)

    static func insert(_ group: pid_t) {
        _ = groups.withLock { $0.insert(group) }
    }

    static func remove(_ group: pid_t) {
        _ = groups.withLock { $0.remove(group) }
    }

    /// Sends SIGTERM to every running evaluator's process group, gives them a moment to exit,
    /// then SIGKILL. For an interrupt handler that is about to exit the process.
    package static func terminateAll() {
        ending.withLock { $0 = true }
        let running = groups.withLock { $0 }
        guard !running.isEmpty else { return }
        for group in running { kill(-group, SIGTERM) }
        usleep(300_000)
        for group in running { kill(-group, SIGKILL) }
    }

    /// Blocks for good if the process is being ended by an interrupt, so that the thread whose
    /// evaluator was just killed does not report that as a failure (and exit with another
    /// status) before the interrupt handler exits.
    static func waitIfEnding() {
        guard ending.withLock({ $0 }) else { return }
        while true { sleep(60) }
    }
}
