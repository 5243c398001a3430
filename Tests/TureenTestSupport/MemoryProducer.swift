import TureenCore

/// Tensors held in memory for a writer, produced in chunks of at most `chunkSize` bytes (whole
/// elements, at least one), so that writers meet chunks that split their own buffers.
package struct MemoryProducer: TensorProducer {
    /// The tensors to write.
    package var tensors: [TensorInfo]
    /// Each tensor's bytes; a test may make one shorter than its tensor to see the writer refuse it.
    package var contents: [[UInt8]]
    /// The checkpoint's metadata.
    package var metadata: [String: String]
    /// The most bytes handed to the writer at once.
    package var chunkSize: Int
    /// Throws `InjectedFailure` once this many tensors have been produced (to test clean-up after a failure).
    package var failAfter: Int?

    /// The failure a producer with `failAfter` throws.
    package struct InjectedFailure: Error {}

    /// A producer of `tensors` with the bytes `contents`.
    package init(tensors: [TensorInfo], contents: [[UInt8]], metadata: [String: String] = [:], chunkSize: Int = 7, failAfter: Int? = nil) {
        self.tensors = tensors
        self.contents = contents
        self.metadata = metadata
        self.chunkSize = chunkSize
        self.failAfter = failAfter
    }

    /// A producer of each tensor with its bytes.
    package init(_ items: [(TensorInfo, [UInt8])]) {
        self.init(tensors: items.map(\.0), contents: items.map(\.1))
    }

    package func produce(tensorAt index: Int, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        if let failAfter, index >= failAfter { throw InjectedFailure() }
        let width = tensors[index].dtype.byteWidth
        let step = max(chunkSize / width, 1) * width
        try contents[index].withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + step)
                try sink(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
                offset = end
            }
        }
    }
}
