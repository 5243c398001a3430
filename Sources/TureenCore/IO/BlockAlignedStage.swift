/// A buffer that collects one contiguous run of output bytes so that it can be written in whole,
/// aligned blocks: the buffer's byte `i` belongs at file offset `base + i`, with `base` a multiple
/// of `blockSize` and the buffer itself aligned to `blockSize`, so every whole block can go to a
/// file opened with `O_DIRECT`. The run's first and last blocks may be partial; those are handed
/// out separately, for an ordinary (page-cached) write.
final class BlockAlignedStage {
    /// The alignment of direct I/O: a multiple of every logical block size in use (512 bytes or
    /// 4 KiB). A file system that asks for more refuses the write, and the output falls back to
    /// the page cache.
    static let blockSize = 4096

    /// One piece of staged bytes to write at `offset`.
    // Safe to send to the writer thread: `OutputFile` hands a stage's pieces to one job and does
    // not start that stage again until it has waited for the job, so the bytes never change under it.
    struct Piece: @unchecked Sendable {
        /// The bytes (a view into the stage, valid until the stage changes).
        let bytes: UnsafeRawBufferPointer
        /// Where they belong in the file.
        let offset: Int
        /// Whether `bytes` is whole blocks at a block-aligned file offset and memory address.
        let isWholeBlocks: Bool
    }

    private let buffer: UnsafeMutableRawBufferPointer
    private var base = 0
    private var first = 0
    private var filled = 0

    /// An empty stage of `capacity` bytes (rounded up to at least two whole blocks) positioned at offset 0.
    init(capacity: Int) {
        let blocks = max(2, (capacity + Self.blockSize - 1) / Self.blockSize)
        buffer = .allocate(byteCount: blocks * Self.blockSize, alignment: Self.blockSize)
    }

    deinit {
        buffer.deallocate()
    }

    /// The file offset just past the staged run: where an appended byte belongs.
    var end: Int { base + filled }

    /// Whether nothing is staged.
    var isEmpty: Bool { filled == first }

    /// Whether no more bytes fit.
    var isFull: Bool { filled == buffer.count }

    /// Empties the stage and starts a new run at `offset`.
    ///
    /// - Precondition: `offset` is not negative.
    func start(at offset: Int) {
        precondition(offset >= 0, "a run starts at a negative offset")
        base = offset - offset % Self.blockSize
        first = offset - base
        filled = first
    }

    /// Copies as much of `bytes` as fits after the staged run.
    ///
    /// - Returns: how many bytes were taken.
    func append(_ bytes: UnsafeRawBufferPointer) -> Int {
        let taken = min(bytes.count, buffer.count - filled)
        guard taken > 0 else { return 0 }
        UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<(filled + taken)])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<taken]))
        filled += taken
        return taken
    }

    /// Every staged byte, as pieces to write: a partial first block (when the run began
    /// mid-block), the whole blocks, and a partial last block. They stay valid until the stage
    /// is started again.
    func pieces() -> [Piece] {
        let block = Self.blockSize
        let headEnd = first > 0 ? min(filled, block) : 0
        let wholeEnd = max(headEnd, filled - filled % block)
        var pieces: [Piece] = []
        if headEnd > first { pieces.append(piece(first..<headEnd, isWholeBlocks: false)) }
        if wholeEnd > headEnd { pieces.append(piece(headEnd..<wholeEnd, isWholeBlocks: true)) }
        if filled > wholeEnd { pieces.append(piece(wholeEnd..<filled, isWholeBlocks: false)) }
        return pieces
    }

    private func piece(_ range: Range<Int>, isWholeBlocks: Bool) -> Piece {
        Piece(bytes: UnsafeRawBufferPointer(rebasing: buffer[range]), offset: base + range.lowerBound, isWholeBlocks: isWholeBlocks)
    }
}
