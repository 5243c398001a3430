#if canImport(Glibc)
import Glibc
#endif

/// A thread of its own that runs jobs one at a time, in the order they were submitted: for work
/// that blocks on the disk while the caller goes on computing. (Dispatch's worker threads are as
/// many as the cores on Linux, and one blocked in `pwrite` would leave the arithmetic a core short.)
///
/// The first error a job throws is kept; later jobs are skipped, and every wait rethrows it. A job
/// is released before it counts as done, so a waiter may rely on its captures being gone. The
/// thread ends when the worker is released, after the jobs already queued.
public final class SerialWorker: Sendable {
    /// Identifies a submitted job; jobs finish in ticket order.
    public typealias Ticket = Int

    private let queue = JobQueue()

    /// Starts the thread.
    ///
    /// - Throws: `TensorStoreError.cannotStartThread` if the system refuses one.
    public init() throws {
        let context = Unmanaged.passRetained(queue)
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { context in
            Unmanaged<JobQueue>.fromOpaque(context!).takeRetainedValue().runJobs()
            return nil
        }, context.toOpaque())
        guard started == 0 else {
            context.release()
            throw TensorStoreError.cannotStartThread(reason: String(cString: strerror(started)))
        }
        pthread_detach(thread)
    }

    deinit {
        queue.stop()
    }

    /// Queues `job` to run after every job submitted before it.
    public func submit(_ job: @escaping () throws -> Void) -> Ticket {
        queue.submit(job)
    }

    /// Waits until the job with `ticket` (and so every earlier one) is done or skipped.
    ///
    /// - Throws: the first error any job threw.
    public func wait(for ticket: Ticket) throws {
        try queue.wait(for: ticket)
    }

    /// Waits until every submitted job is done or skipped.
    ///
    /// - Throws: the first error any job threw.
    public func finish() throws {
        try queue.wait(for: nil)
    }
}

/// The jobs and their bookkeeping, shared by the worker's thread and its callers under one mutex.
private final class JobQueue: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var waiting: [(() throws -> Void)?] = []
    private var nextIndex = 0
    private var submitted = 0
    private var finished = 0
    private var failure: Error?
    private var isStopping = false

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    func submit(_ job: @escaping () throws -> Void) -> SerialWorker.Ticket {
        locked {
            waiting.append(job)
            submitted += 1
            pthread_cond_broadcast(changed)
            return submitted
        }
    }

    /// Waits for `ticket`, or for every job submitted so far when nil.
    func wait(for ticket: SerialWorker.Ticket?) throws {
        try locked {
            let target = ticket ?? submitted
            while finished < target { pthread_cond_wait(changed, mutex) }
            if let failure { throw failure }
        }
    }

    func stop() {
        locked {
            isStopping = true
            pthread_cond_broadcast(changed)
        }
    }

    /// The thread's loop: runs each job in turn (skipping them after a failure) until stopped.
    func runJobs() {
        while true {
            var job = locked { () -> (() throws -> Void)?? in
                while nextIndex == waiting.count && !isStopping { pthread_cond_wait(changed, mutex) }
                guard nextIndex < waiting.count else { return nil }
                let job = failure == nil ? waiting[nextIndex] : nil
                waiting[nextIndex] = nil
                nextIndex += 1
                if nextIndex == waiting.count {
                    waiting.removeAll(keepingCapacity: true)
                    nextIndex = 0
                }
                return .some(job)
            }
            guard case .some = job else { return }
            var error: Error?
            if case .some(.some) = job {
                do { try job!!() } catch let thrown { error = thrown }
            }
            job = nil
            locked {
                if failure == nil { failure = error }
                finished += 1
                pthread_cond_broadcast(changed)
            }
        }
    }

    private func locked<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
