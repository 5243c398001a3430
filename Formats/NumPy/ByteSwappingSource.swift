import TureenCore

/// Serves big-endian data as little-endian: each range of the base source is copied and every
/// component (a whole element, or each half of a complex element) has its bytes reversed.
final class ByteSwappingSource: TensorByteSource {
    private let base: any TensorByteSource
    private let componentWidth: Int
    private var buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    /// Swaps components of `componentWidth` bytes (2, 4 or 8) read from `base`.
    init(base: any TensorByteSource, componentWidth: Int) {
        self.base = base
        self.componentWidth = componentWidth
    }

    deinit {
        buffer.deallocate()
    }

    func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        if buffer.count < range.count {
            buffer.deallocate()
            buffer = .allocate(byteCount: range.count, alignment: 16)
        }
        let output = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<range.count])
        try base.withBytes(in: range) { input in
            ByteSwappingSource.swap(input, into: output, componentWidth: componentWidth)
        }
        return try body(UnsafeRawBufferPointer(output))
    }

    func releaseBytes(before offset: Int) {
        base.releaseBytes(before: offset)
    }

    /// Copies `input` into `output` reversing the bytes of each `componentWidth`-byte component.
    static func swap(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, componentWidth: Int) {
        let count = input.count / componentWidth
        switch componentWidth {
        case 2:
            for i in 0..<count { output.storeBytes(of: input.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self).byteSwapped, toByteOffset: i &* 2, as: UInt16.self) }
        case 4:
            for i in 0..<count { output.storeBytes(of: input.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self).byteSwapped, toByteOffset: i &* 4, as: UInt32.self) }
        case 8:
            for i in 0..<count { output.storeBytes(of: input.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self).byteSwapped, toByteOffset: i &* 8, as: UInt64.self) }
        default:
            output.copyMemory(from: input)
        }
    }
}
