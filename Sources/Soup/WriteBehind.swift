import Dispatch

/// Hands computed chunks to the writer on a serial queue while the caller computes the next one:
/// a ring of output buffers, each either being filled by the caller or being written. The first
/// write error is kept and rethrown to the caller at its next wait.
final class WriteBehind {
    private let queue = DispatchQueue(label: "tureen.soup.write-behind")
    private let freeBuffers: [DispatchSemaphore]
    private var failure: Error?

    /// A ring of `bufferCount` buffers, all free.
    init(bufferCount: Int) {
        freeBuffers = (0..<bufferCount).map { _ in DispatchSemaphore(value: 1) }
    }

    /// Waits until buffer `index` is no longer being written, so it can be filled again.
    ///
    /// - Throws: the first error a write raised.
    func acquire(_ index: Int) throws {
        freeBuffers[index].wait()
        if let failure = queue.sync(execute: { failure }) {
            freeBuffers[index].signal()
            throw failure
        }
    }

    /// Writes `bytes` (the contents of buffer `index`) with `sink` on the writer queue, then frees the buffer.
    func write(_ bytes: UnsafeRawBufferPointer, buffer index: Int, with sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        // The buffer is not touched by the caller until `acquire(index)` returns, after this write.
        nonisolated(unsafe) let chunk = bytes
        queue.async { [self] in
            defer { freeBuffers[index].signal() }
            guard failure == nil else { return }
            do { try sink(chunk) } catch { failure = error }
        }
    }

    /// Waits for every queued write.
    ///
    /// - Throws: the first error a write raised.
    func finish() throws {
        if let failure = queue.sync(execute: { failure }) { throw failure }
    }
}
