/// The working memory of the soup executor, allocated once and reused for every tensor (so that
/// no large allocation churns through the allocator's per-thread arenas): a Float64 accumulator,
/// two output buffers, and each thread's buffers for copied inputs, grown when a tensor needs more.
final class ChunkBuffers {
    private(set) var accumulator = UnsafeMutableBufferPointer<Double>.allocate(capacity: 0)
    private(set) var outputs = [UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 64),
                                UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 64)]
    private var copies: [[UnsafeMutableRawBufferPointer]] = []

    deinit {
        accumulator.deallocate()
        outputs.forEach { $0.deallocate() }
        copies.joined().forEach { $0.deallocate() }
    }

    /// For each of `parts` threads, `inputs` buffers of `bytes` bytes each.
    func copyBuffers(parts: Int, inputs: Int, bytes: Int) -> [[UnsafeMutableRawBufferPointer]] {
        while copies.count < parts { copies.append([]) }
        for part in 0..<parts {
            while copies[part].count < inputs { copies[part].append(.allocate(byteCount: bytes, alignment: 4096)) }
        }
        return copies
    }

    /// Makes room for `values` accumulated values and `outputBytes` bytes in each output buffer.
    func reserve(values: Int, outputBytes: Int) {
        if accumulator.count < values {
            accumulator.deallocate()
            accumulator = .allocate(capacity: values)
        }
        for index in outputs.indices where outputs[index].count < outputBytes {
            outputs[index].deallocate()
            outputs[index] = .allocate(byteCount: outputBytes, alignment: 64)
        }
    }
}
