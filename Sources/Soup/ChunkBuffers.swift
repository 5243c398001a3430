/// The working memory of the soup executor, allocated once and reused for every tensor (so that
/// no large allocation churns through the allocator's per-thread arenas): two output buffers, and
/// for each thread a block-sized Float64 accumulator and buffers for copied inputs, grown when a
/// tensor needs more.
final class ChunkBuffers {
    private(set) var outputs = [UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 64),
                                UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 64)]
    private var accumulators: [UnsafeMutableBufferPointer<Double>] = []
    private var copies: [[UnsafeMutableRawBufferPointer]] = []

    deinit {
        outputs.forEach { $0.deallocate() }
        accumulators.forEach { $0.deallocate() }
        copies.joined().forEach { $0.deallocate() }
    }

    /// For each of `parts` threads, an accumulator of at least `values` values (kernels differ in
    /// the scratch they need).
    func accumulators(parts: Int, values: Int) -> [UnsafeMutableBufferPointer<Double>] {
        for index in accumulators.indices where accumulators[index].count < values {
            accumulators[index].deallocate()
            accumulators[index] = .allocate(capacity: values)
        }
        while accumulators.count < parts { accumulators.append(.allocate(capacity: values)) }
        return accumulators
    }

    /// For each of `parts` threads, `inputs` buffers of at least `bytes` bytes each (callers differ
    /// in the pieces they copy: a statistics pass's are smaller than the executor's).
    func copyBuffers(parts: Int, inputs: Int, bytes: Int) -> [[UnsafeMutableRawBufferPointer]] {
        while copies.count < parts { copies.append([]) }
        for part in 0..<parts { Self.grow(&copies[part], count: inputs, bytes: bytes, alignment: 4096) }
        return copies
    }

    /// Makes room for `outputBytes` bytes in each output buffer.
    func reserve(outputBytes: Int) {
        Self.grow(&outputs, count: outputs.count, bytes: outputBytes, alignment: 64)
    }

    /// Replaces every buffer of `buffers` smaller than `bytes` with one of `bytes`, and adds buffers
    /// of `bytes` up to `count`.
    private static func grow(_ buffers: inout [UnsafeMutableRawBufferPointer], count: Int, bytes: Int, alignment: Int) {
        for index in buffers.indices where buffers[index].count < bytes {
            buffers[index].deallocate()
            buffers[index] = .allocate(byteCount: bytes, alignment: alignment)
        }
        while buffers.count < count { buffers.append(.allocate(byteCount: bytes, alignment: alignment)) }
    }
}
