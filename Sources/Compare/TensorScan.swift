import TureenCore

/// `--scan`: statistics of every tensor of a checkpoint, streamed chunk by chunk.
public struct TensorScan: Sendable {
    /// The scanned tensor.
    public let info: TensorInfo
    /// Its statistics (integers and bools as their numeric values).
    public let statistics: TensorStatistics

    /// Scans every tensor of `store` in order on `threads` threads (nil: every core this process
    /// may use); `progress` is called with (bytes done, bytes in all).
    ///
    /// - Throws: read errors naming the file and tensor.
    public static func scan(_ store: TensorStore, threads: Int? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> [TensorScan] {
        var done = 0
        let total = store.totalByteCount
        return try store.tensors.map { tensor in
            let statistics = try statistics(of: tensor, threads: threads)
            done += tensor.info.byteCount
            progress?(done, total)
            return TensorScan(info: tensor.info, statistics: statistics)
        }
    }

    /// The statistics of one tensor's values, computed on `threads` threads (nil: every available core).
    ///
    /// - Throws: read errors naming the file and tensor.
    public static func statistics(of tensor: StoredTensor, threads: Int? = nil) throws -> TensorStatistics {
        var statistics = TensorStatistics()
        let stream = ValueChunks(tensors: [tensor], threads: threads)
        try stream.forEach { chunks in
            let values = chunks[0]
            let parts = try ParallelLoop.map(count: values.count, threads: stream.threads) { part in
                TensorStatistics(values: UnsafeBufferPointer(rebasing: values[part]))
            }
            parts.forEach { statistics.merge($0) }
        }
        return statistics
    }
}
