import TureenCore

/// A Q8_0 or Q4_0 tensor in the mapped file, dequantized to f32 block by block as it is read
/// (ggml's reference: Q8_0 `x = d·q`; Q4_0 `x = d·(q − 8)`, low nibbles first). Reads mapped memory
/// only, so copies may run concurrently.
final class DequantizingSource: TensorByteSource {
    private let file: MappedFile
    private let fileRange: Range<Int>
    private let type: GGMLType
    private let byteCount: Int

    init(file: MappedFile, fileRange: Range<Int>, type: GGMLType, elementCount: Int) {
        self.file = file
        self.fileRange = fileRange
        self.type = type
        self.byteCount = elementCount * 4
    }

    var supportsConcurrentCopies: Bool { true }

    func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: range.count, alignment: 16)
        defer { buffer.deallocate() }
        try copyBytes(in: range, into: buffer)
        return try body(UnsafeRawBufferPointer(buffer))
    }

    func copyBytes(in range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard range.lowerBound >= 0, range.upperBound <= byteCount else {
            throw TensorStoreError.rangeOutsideFile(path: file.path, range: range, fileSize: byteCount)
        }
        guard !range.isEmpty else { return }
        let firstBlock = range.lowerBound / 4 / 32
        let lastBlock = (range.upperBound / 4 + 31) / 32
        let blocksStart = fileRange.lowerBound + firstBlock * type.blockBytes
        try file.withUnsafeBytes(in: blocksStart..<(fileRange.lowerBound + lastBlock * type.blockBytes)) { blocks in
            var values = [Float](repeating: 0, count: 32)
            for block in firstBlock..<lastBlock {
                let base = (block - firstBlock) * type.blockBytes
                let scale = Float(Float16(bitPattern: UInt16(blocks[base]) | UInt16(blocks[base + 1]) << 8))
                if type.code == 8 {
                    for index in 0..<32 { values[index] = scale * Float(Int8(bitPattern: blocks[base + 2 + index])) }
                } else {
                    for index in 0..<16 {
                        let byte = blocks[base + 2 + index]
                        values[index] = scale * Float(Int(byte & 0x0F) - 8)
                        values[index + 16] = scale * Float(Int(byte >> 4) - 8)
                    }
                }
                let blockStart = block * 32 * 4
                let lower = max(blockStart, range.lowerBound), upper = min(blockStart + 128, range.upperBound)
                guard lower < upper else { continue }
                values.withUnsafeBytes { decoded in
                    (buffer.baseAddress! + (lower - range.lowerBound)).copyMemory(from: decoded.baseAddress! + (lower - blockStart), byteCount: upper - lower)
                }
            }
        }
    }
}

/// A tensor whose type Tureen cannot read: listed, refused when its bytes are asked for.
final class UnsupportedTypeSource: TensorByteSource {
    private let error: GGUFError

    init(error: GGUFError) {
        self.error = error
    }

    func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        throw error
    }
}
