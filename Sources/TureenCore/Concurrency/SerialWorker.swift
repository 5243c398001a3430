#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A thread of its own that runs jobs one at a time, in the order they were submitted: for work
/// that blocks on the disk while the caller goes on computing. (Dispatch's worker threads are as
/// many as the cores on Linux, and one blocked in `pwrite` would leave the arithmetic a core short.)
///
/// The first error a job throws is kept; later jobs are skipped, and every wait rethrows it. A job
/// is released before it counts as done, so a waiter may rely on its captures being gone. The
/// thread ends when the worker is released, after the jobs already queued.
package final class SerialWorker: Sendable {
    /// Identifies a submitted job; jobs finish in ticket order.
    package typealias Ticket = Int

    private let queue = JobQueue()

    /// Starts the thread.
    ///
    /// - Throws: `TensorStoreError.cannotStartThread` if the system refuses one.
    package init() throws {
        let context = Unmanaged.passRetained(queue)
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { context in
            Unmanaged<JobQueue>.fromOpaque(context!).takeRetainedValue().runJobs()
            return nil
        }, context.toOpaque())
        guard started == 0 else {
            context.release()
            throw TensorStoreError.cannotStartThread(errno: Errno(rawValue: started))
        }
        pthread_detach(thread)
    }

    deinit {
        queue.stop()
    }

    /// Queues `job` to run after every job submitted before it.
    package func submit(_ job: @escaping @Sendable () throws -> Void) -> Ticket {
        queue.submit(job)
    }

    /// Waits until the job with `ticket` (and so every earlier one) is done or skipped.
    ///
    /// - Throws: the first error any job threw.
    package func wait(for ticket: Ticket) throws {
        try queue.wait(for: ticket)
    }

    /// Waits until every submitted job is done or skipped.
    ///
    /// - Throws: the first error any job threw.
    package func finish() throws {
        try queue.wait(for: nil)
    }
}

/// The jobs and their bookkeeping, shared by the worker's thread and its callers under one lock.
private final class JobQueue: Sendable {
    /// A job to run on the worker's thread.
    typealias Job = @Sendable () throws -> Void

    private struct State {
        var waiting: [Job?] = []
        var nextIndex = 0
        var submitted = 0
        var finished = 0
        var failure: Error?
        var isStopping = false
    }

    private let state = LockedValue(State())

    func submit(_ job: @escaping Job) -> SerialWorker.Ticket {
        state.withLockBroadcasting { state in
            state.waiting.append(job)
            state.submitted += 1
            return state.submitted
        }
    }

    /// Waits for `ticket`, or for every job submitted so far when nil.
    func wait(for ticket: SerialWorker.Ticket?) throws {
        let target = ticket ?? state.withLock { $0.submitted }
        try state.wait(until: { $0.finished >= target }) { state in
            if let failure = state.failure { throw failure }
        }
    }

    func stop() {
        state.withLockBroadcasting { $0.isStopping = true }
    }

    /// The thread's loop: runs each job in turn (skipping them after a failure) until stopped.
    func runJobs() {
        while true {
            // nil: stopped with nothing left; .some(nil): a job skipped after a failure.
            var job: Job?? = state.wait(until: { $0.nextIndex < $0.waiting.count || $0.isStopping }) { state in
                guard state.nextIndex < state.waiting.count else { return nil }
                let job = state.failure == nil ? state.waiting[state.nextIndex] : nil
                state.waiting[state.nextIndex] = nil
                state.nextIndex += 1
                if state.nextIndex == state.waiting.count {
                    state.waiting.removeAll(keepingCapacity: true)
                    state.nextIndex = 0
                }
                return .some(job)
            }
            guard job != nil else { return }
            var error: Error?
            do { try job??() } catch let thrown { error = thrown }
            // Released before it counts as done, so a waiter may rely on its captures being gone.
            job = nil
            state.withLockBroadcasting { state in
                if state.failure == nil { state.failure = error }
                state.finished += 1
            }
        }
    }
}
