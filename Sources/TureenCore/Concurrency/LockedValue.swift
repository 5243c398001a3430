#if canImport(Glibc)
import Glibc
#else
#error("Tureen builds on Linux (Glibc) only")
#endif

/// State behind a lock, as swift-nio's `NIOLockedValueBox`: the one non-recursive lock type of the
/// package (libhdf5's calls keep a recursive lock of their own, since the library re-enters).
/// `withLock` runs a closure with the state; `wait(until:)` sleeps on the lock's condition until a
/// predicate over the state holds, and `withLockBroadcasting` wakes every such waiter.
package final class LockedValue<Value>: @unchecked Sendable {
    // Safe to share: `value` is read and written only while `mutex` is held.
    private var value: Value
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    /// A lock guarding `value`.
    package init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the state, holding the lock.
    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }

    /// Runs `body` with the state, holding the lock, then wakes every thread in `wait(until:)`.
    package func withLockBroadcasting<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        }
        return try body(&value)
    }

    /// Waits until `condition` holds for the state (checked under the lock after every broadcast),
    /// then runs `body` with it, still holding the lock.
    package func wait<Result>(until condition: (Value) -> Bool, then body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !condition(value) { pthread_cond_wait(changed, mutex) }
        return try body(&value)
    }
}
