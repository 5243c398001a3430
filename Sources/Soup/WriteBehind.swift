import TureenCore

/// Hands computed chunks to the writer while the caller computes the next one: a ring of output
/// buffers, each either being filled by the caller or being written on a `SerialWorker` (a thread
/// of its own, since writes block on the disk). The first write error is rethrown to the caller
/// at its next wait.
final class WriteBehind {
    private let worker: SerialWorker
    /// The write that last used each buffer (0: none yet).
    private var lastWrites: [SerialWorker.Ticket]

    /// A ring of `bufferCount` buffers, all free.
    ///
    /// - Throws: `TensorStoreError.cannotStartThread`.
    init(bufferCount: Int) throws {
        worker = try SerialWorker()
        lastWrites = Array(repeating: 0, count: bufferCount)
    }

    /// Waits until buffer `index` is no longer being written, so it can be filled again.
    ///
    /// - Throws: the first error a write raised.
    func acquire(_ index: Int) throws {
        try worker.wait(for: lastWrites[index])
    }

    /// Writes `bytes` (the contents of buffer `index`) with `sink` on the writer thread. The
    /// buffer is not touched by the caller until `acquire(index)` returns, after this write.
    func write(_ bytes: UnsafeRawBufferPointer, buffer index: Int, with sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        // Safe to send: the caller leaves the buffer alone until `acquire(index)` has waited for this
        // write, and once a tensor's chunks go through here its sink is called on the worker's thread
        // only, one write at a time.
        nonisolated(unsafe) let chunk = bytes
        nonisolated(unsafe) let sink = sink
        lastWrites[index] = worker.submit { try sink(chunk) }
    }

    /// Waits until every queued write has run (or been skipped after a failure) and let go of its sink.
    ///
    /// - Throws: the first error a write raised.
    func finish() throws {
        try worker.finish()
    }
}
