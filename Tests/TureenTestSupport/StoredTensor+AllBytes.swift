import TureenCore

extension StoredTensor {
    /// All the tensor's bytes, read in `chunk`-byte ranges in increasing order, as writers read them.
    package func allBytes(chunk: Int = 1 << 20) throws -> [UInt8] {
        var result: [UInt8] = []
        var offset = 0
        while offset < info.byteCount {
            let end = min(info.byteCount, offset + chunk)
            try source.withBytes(in: offset..<end) { result += $0 }
            offset = end
        }
        return result
    }
}
