#if canImport(Glibc)
import Glibc
#endif

/// The evaluator processes running right now (each the leader of a process group of its own), so
/// that an interrupted command can end them before it exits.
package final class RunningChildren: @unchecked Sendable {
    // @unchecked Sendable: the set is only touched with the mutex held.
    /// The one registry of the process.
    package static let shared = RunningChildren()

    private var groups: Set<pid_t> = []
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    private init() {
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func insert(_ group: pid_t) {
        locked { _ = groups.insert(group) }
    }

    func remove(_ group: pid_t) {
        locked { _ = groups.remove(group) }
    }

    /// Sends SIGTERM to every running evaluator's process group, gives them a moment to exit,
    /// then SIGKILL. For an interrupt handler that is about to exit the process.
    package func terminateAll() {
        let running = locked { groups }
        guard !running.isEmpty else { return }
        for group in running { kill(-group, SIGTERM) }
        usleep(300_000)
        for group in running { kill(-group, SIGKILL) }
    }

    private func locked<Result>(_ body: () -> Result) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }
}
