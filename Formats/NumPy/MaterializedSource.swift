import TureenCore

/// Reads a sequential source whole into memory on first use, so a consumer that needs random
/// access (a Fortran-order transpose) can have it. Costs the tensor's size in
/// memory until the tensor is released.
final class MaterializedSource: TensorByteSource {
    private let base: any TensorByteSource
    private let byteCount: Int
    private var bytes: [UInt8]?
    /// The most bytes asked of the base at once.
    static let step = 64 << 20

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
            bytes = try readWhole()
            base.releaseBytes(before: byteCount)
        }
        return try bytes!.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// Reads the base in steps, so memory grows with the bytes actually decoded: a corrupt header
    /// may declare far more than its compressed data holds, and allocating that up front would fail.
    private func readWhole() throws -> [UInt8] {
        var whole: [UInt8] = []
        whole.reserveCapacity(min(byteCount, MaterializedSource.step))
        var offset = 0
        while offset < byteCount {
            let end = offset + min(MaterializedSource.step, byteCount - offset)
            try base.withBytes(in: offset..<end) { whole.append(contentsOf: $0) }
            offset = end
        }
        return whole
    }

    func releaseBytes(before offset: Int) {
        guard offset >= byteCount else { return }
        bytes = nil
    }
}
