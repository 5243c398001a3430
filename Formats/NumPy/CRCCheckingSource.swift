import TureenCore
import Zip

/// Serves a stored member's tensor bytes from a base source unchanged (zero-copy when the base is
/// mapped) while it checksums them: once the ranges asked for have covered the tensor in order,
/// the member's CRC-32 (over the `.npy` header and the data) must match, or the last range throws.
final class CRCCheckingSource: TensorByteSource {
    private let base: any TensorByteSource
    private let byteCount: Int
    private let expected: UInt32
    private let path: String
    private let member: String
    private var crc: CRC32
    private var checkedUpTo = 0

    /// Wraps `base` (the tensor's `byteCount` bytes); `headerCRC` already covers the bytes before them.
    init(base: any TensorByteSource, byteCount: Int, headerCRC: CRC32, expected: UInt32, path: String, member: String) {
        self.base = base
        self.byteCount = byteCount
        self.crc = headerCRC
        self.expected = expected
        self.path = path
        self.member = member
    }

    func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        try base.withBytes(in: range) { bytes in
            if range.lowerBound <= checkedUpTo, range.upperBound > checkedUpTo {
                crc.update(UnsafeRawBufferPointer(rebasing: bytes[(checkedUpTo - range.lowerBound)...]))
                checkedUpTo = range.upperBound
                if checkedUpTo == byteCount, crc.value != expected {
                    throw NumPyError.checksumMismatch(path: path, member: member, expected: expected, actual: crc.value)
                }
            }
            return try body(bytes)
        }
    }

    func releaseBytes(before offset: Int) {
        base.releaseBytes(before: offset)
    }
}
