import TureenCore

/// Streams the values of tensors with the same number of values side by side, a chunk at a time,
/// decoded to Float64. Memory stays at one chunk buffer per tensor.
///
/// Bytes that lie as they are in a file are copied by each decoding thread for its own part of the
/// chunk (`copyBytes`, a `pread`), so the copies run in parallel as the decoding does; decoded
/// sources are viewed once per chunk and shared.
struct ValueChunks {
    /// The tensors read side by side (same element count, and real or complex alike).
    let tensors: [StoredTensor]
    /// The threads that decode each chunk.
    let threads: Int
    /// How many values each chunk holds at most.
    var valuesPerChunk = 1 << 18

    /// Streams `tensors` side by side, decoding on `threads` threads (nil: every available core).
    init(tensors: [StoredTensor], threads: Int?) {
        self.tensors = tensors
        self.threads = threads ?? ParallelLoop.defaultThreadCount
    }

    /// The number of values per tensor.
    var valueCount: Int {
        guard let first = tensors.first else { return 0 }
        return first.info.elementCount * ValueDecoding.valuesPerElement(first.info.dtype)
    }

    /// Calls `body` with each chunk's values, one buffer per tensor, in order.
    ///
    /// - Throws: read errors from the sources, or what `body` throws.
    func forEach(_ body: ([UnsafeBufferPointer<Double>]) throws -> Void) throws {
        let total = valueCount
        guard total > 0 else { return }
        let capacity = min(valuesPerChunk, total)
        let buffers = tensors.map { _ in UnsafeMutableBufferPointer<Double>.allocate(capacity: capacity) }
        defer { buffers.forEach { $0.deallocate() } }
        var start = 0
        while start < total {
            let end = min(start + capacity, total)
            for (tensor, buffer) in zip(tensors, buffers) {
                try decode(tensor, values: start..<end, into: buffer)
            }
            try body(buffers.map { UnsafeBufferPointer(rebasing: $0[0..<(end - start)]) })
            start = end
        }
    }

    private func decode(_ tensor: StoredTensor, values: Range<Int>, into buffer: UnsafeMutableBufferPointer<Double>) throws {
        let dtype = tensor.info.dtype
        let width = ValueDecoding.bytesPerValue(dtype)
        let byteRange = (values.lowerBound * width)..<(values.upperBound * width)
        if tensor.source.supportsConcurrentCopies {
            _ = try ParallelLoop.map(count: values.count, threads: threads) { part in
                let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: part.count * width, alignment: 64)
                defer { piece.deallocate() }
                let first = byteRange.lowerBound + part.lowerBound * width
                try tensor.source.copyBytes(in: first..<(first + piece.count), into: piece)
                ValueDecoding.decode(UnsafeRawBufferPointer(piece), dtype: dtype, into: UnsafeMutableBufferPointer(rebasing: buffer[part]))
            }
            return
        }
        try tensor.source.withBytes(in: byteRange) { bytes in
            _ = try ParallelLoop.map(count: values.count, threads: threads) { part in
                let partBytes = UnsafeRawBufferPointer(rebasing: bytes[(part.lowerBound * width)..<(part.upperBound * width)])
                ValueDecoding.decode(partBytes, dtype: dtype, into: UnsafeMutableBufferPointer(rebasing: buffer[part]))
            }
        }
        tensor.source.releaseBytes(before: byteRange.upperBound)
    }
}
