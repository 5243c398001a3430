import Dispatch

/// One parallel-for for the whole package: splits `0..<count` into contiguous parts, runs a body on
/// each part on its own thread (Dispatch's pool) and returns the results in part order.
package enum ParallelLoop {
    /// The threads a computation uses unless told otherwise: the cores this process may run on.
    package static var defaultThreadCount: Int { CPUCount.available }

    /// Calls `body(part, range)` for each of `parts` contiguous ranges of `0..<count` concurrently
    /// and returns the results in part order. One part runs on the calling thread.
    ///
    /// `body` runs on several threads at once, each call with its own part: it must only share
    /// state that is safe to share (read-only inputs, disjoint slices of an output).
    ///
    /// - Throws: the error of the first part (in part order) that threw, after every part has ended.
    package static func map<Part>(
        parts: Int, count: Int, _ body: (_ part: Int, _ range: Range<Int>) throws -> Part
    ) throws -> [Part] {
        let parts = max(1, parts)
        guard parts > 1 else { return [try body(0, 0..<count)] }
        return try withoutActuallyEscaping(body) { body in
            let results = PartResults<Part>(count: parts)
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = (count * part / parts)..<(count * (part + 1) / parts)
                results.store(Result { try shared.value(part, range) }, at: part)
            }
            return try results.collect()
        }
    }

    /// Splits `0..<count` into parts of at least `minimumPartSize` values, one per thread at most,
    /// and maps them as `map(parts:count:_:)` does; small ranges run on the calling thread.
    package static func map<Part>(
        count: Int, minimumPartSize: Int = 1 << 15, threads: Int = defaultThreadCount,
        _ body: (Range<Int>) throws -> Part
    ) throws -> [Part] {
        let parts = min(max(1, threads), max(1, count / max(1, minimumPartSize)))
        return try map(parts: parts, count: count) { _, range in try body(range) }
    }
}

/// The results of a parallel loop: one slot per part, each written by exactly one thread.
private final class PartResults<Part>: @unchecked Sendable {
    // Safe to share: each slot is initialised once by the one thread running that part, and read
    // only after `concurrentPerform` has returned (which orders every write before the reads).
    private let slots: UnsafeMutableBufferPointer<Result<Part, Error>?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.baseAddress!.deinitialize(count: slots.count)
        slots.deallocate()
    }

    func store(_ result: Result<Part, Error>, at part: Int) { slots[part] = result }

    func collect() throws -> [Part] { try slots.map { try $0!.get() } }
}

/// A value handed to the threads of a parallel loop; see `ParallelLoop.map`'s contract on `body`.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    // Safe to share: the loop's contract requires the body to be callable from several threads.
    let value: Value
    init(_ value: Value) { self.value = value }
}
