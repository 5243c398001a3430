import TensorStore

/// Reads a sequential source whole into memory on first use, so a consumer that needs random
/// access (a Fortran-order transpose of deflated data) can have it. Costs the tensor's size in
/// memory until the tensor is released.
final class MaterializedSource: TensorByteSource {
    private let base: any TensorByteSource
    private let byteCount: Int
    private var bytes: [UInt8]?

    /// Wraps `base`, whose tensor is `byteCount` bytes.
    init(base: any TensorByteSource, byteCount: Int) {
        self.base = base
        self.byteCount = byteCount
    }

    func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        guard range.lowerBound >= 0, range.upperBound <= byteCount else {
            throw TensorStoreError.rangeOutsideFile(path: "<materialized>", range: range, fileSize: byteCount)
        }
        if bytes == nil {
            bytes = try base.withBytes(in: 0..<byteCount) { Array($0) }
            base.releaseBytes(before: byteCount)
        }
        return try bytes!.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    func releaseBytes(before offset: Int) {
        guard offset >= byteCount else { return }
        bytes = nil
    }
}
