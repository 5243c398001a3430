import CZlib

/// A running CRC-32 (the zip checksum): carry-less multiplication folding where the CPU has it
/// (about 3x zlib's table method), zlib for the rest.
package struct CRC32: Equatable {
    /// The checksum of the bytes seen so far.
    package private(set) var value: UInt32 = 0

    /// The checksum of no bytes.
    package init() {}

    private static let canFold = tureen_crc32_fold_available() != 0

    /// Adds `bytes` to the checksum.
    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var pointer = base.assumingMemoryBound(to: UInt8.self)
        var count = bytes.count
        if count >= 64, CRC32.canFold {
            let folded = count & ~15
            value = ~tureen_crc32_fold(~value, pointer, folded)
            pointer += folded
            count -= folded
        }
        value = UInt32(truncatingIfNeeded: crc32_z(UInt(value), pointer, count))
    }

    /// Adds `bytes` to the checksum.
    package mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }
}
