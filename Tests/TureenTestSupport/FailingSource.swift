import TureenCore

/// A file-backed source whose bytes cannot be read past `failAt`: reading further throws
/// `TensorStoreError.cannotRead` naming `broken.safetensors`.
package final class FailingSource: TensorByteSource {
    private let failAt: Int

    package init(failAt: Int) {
        self.failAt = failAt
    }

    package var supportsConcurrentCopies: Bool { true }

    package func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        try body(UnsafeRawBufferPointer(start: nil, count: 0))
    }

    package func copyBytes(in range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard range.upperBound <= failAt else {
            throw TensorStoreError.cannotRead(path: "broken.safetensors", errno: .ioError)
        }
        UnsafeMutableRawBufferPointer(rebasing: buffer[0..<range.count]).initializeMemory(as: UInt8.self, repeating: 0)
    }
}
