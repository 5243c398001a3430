import TureenCore

/// The HDF5 format signature, found at offset 0 or, after a user block, at 512, 1024, 2048, …
enum HDF5Signature {
    static let bytes: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Whether `data` (a file, or its first bytes) carries the signature at one of the places HDF5 looks.
    static func isPresent(in data: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset + bytes.count <= data.count {
            if data[offset..<(offset + bytes.count)].elementsEqual(bytes) { return true }
            offset = offset == 0 ? 512 : offset * 2
        }
        return false
    }
}

extension HDF5Signature {
    /// Whether the HDF5 file in `region` carries the signature at one of the places HDF5 looks,
    /// read with `pread`.
    static func isPresent(in region: HDF5FileRegion) throws -> Bool {
        var offset = 0
        while offset <= region.size - bytes.count {
            let start = region.range.lowerBound + offset
            if try region.file.bytes(in: start..<(start + bytes.count)) == bytes { return true }
            offset = offset == 0 ? 512 : offset * 2
        }
        return false
    }
}
