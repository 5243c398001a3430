import TureenCore

/// What a first pass computes over one tensor: each thread folds the pieces it reads into a partial
/// result of its own; the pass returns the partials, in thread order, for the method to combine.
package protocol StatisticsKernel {
    associatedtype Partial
    /// Float64 scratch values each thread needs for one call of `accumulate`.
    var scratchValues: Int { get }
    /// A partial result that has seen nothing; called once per thread, so a partial may hold class
    /// instances (each thread gets its own).
    func makePartial() -> Partial
    /// Folds one piece into `partial`: `inputs` holds the piece's bytes of every source (in the
    /// order given to `StatisticsPass.run`), `firstValue` the tensor-wide index of its first value.
    func accumulate(_ inputs: [UnsafeRawBufferPointer], firstValue: Int, scratch: UnsafeMutableBufferPointer<Double>, into partial: inout Partial)
    /// Whether the threads' partials together need no more values; asked after each chunk, so the
    /// pass can stop before the range's end (a search for the k-th tie stops at it).
    func isFinished(_ partials: some Collection<Partial>) -> Bool
}

extension StatisticsKernel {
    /// Statistics of the whole range: never finished early.
    package func isFinished(_ partials: some Collection<Partial>) -> Bool { false }
}

/// A streaming pass over one tensor's inputs that gathers statistics before a merge method's kernel
/// is made (a cosine, an angle, a histogram of magnitudes): the same chunks, threads and copied
/// pieces as the executor (`ChunkPieces`), and memory independent of the tensor's size. A method
/// may run several over the same tensor (a selection narrowing a threshold pass by pass).
package struct StatisticsPass {
    package let options: SoupOptions
    private let buffers = ChunkBuffers()
    /// Called with the number of input bytes read, for progress.
    package var onProgress: ((Int) -> Void)?

    package init(options: SoupOptions) {
        self.options = options
    }

    /// The same passes on one thread (buffers of their own), reporting progress to the same place.
    var onOneThread: StatisticsPass {
        var options = options
        options.threadCount = 1
        var passes = StatisticsPass(options: options)
        passes.onProgress = onProgress
        return passes
    }

    /// Bytes of the widest source copied at a time: a quarter of the executor's pieces, so that a
    /// thread's pieces of every source leave most of its L2 cache to the kernel's tables (TIES's
    /// window counts, a few hundred KiB per ingredient), which otherwise miss on most updates.
    static let pieceBytes = 32 << 10

    /// Runs `kernel` over the `values` of `sources` (tensors with the same number of values; every
    /// value unless given) and returns one partial per thread that took part, in thread order.
    ///
    /// - Throws: what reading a source throws.
    package func run<Kernel: StatisticsKernel>(
        _ kernel: Kernel, over sources: [StoredTensor], values range: Range<Int>? = nil
    ) throws -> [Kernel.Partial] {
        guard let first = sources.first else { return [] }
        var pieces = ChunkPieces(sources: sources, threadCount: options.threadCount, buffers: buffers)
        pieces.pieceBytes = Self.pieceBytes
        let threads = max(1, options.threadCount)
        let components = first.info.dtype.componentsPerElement
        let range = range ?? 0..<(first.info.elementCount * components)
        let chunkValues = options.chunkElementCount * components
        let bytesPerValue = sources.reduce(0) { $0 + $1.info.dtype.componentType.byteWidth }
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: threads * kernel.scratchValues)
        let partials = UnsafeMutableBufferPointer<Kernel.Partial>.allocate(capacity: threads)
        // One partial made per thread: a partial copied to every thread would share its class
        // instances (a histogram) between threads, which then race on them.
        for part in partials.indices { (partials.baseAddress! + part).initialize(to: kernel.makePartial()) }
        defer {
            scratch.deallocate()
            partials.baseAddress!.deinitialize(count: threads)
            partials.deallocate()
        }
        var used = 1
        var value = range.lowerBound
        // Read-ahead stays inside the range: a pass over one region of a tensor reads no more.
        pieces.prefetch(value..<min(range.upperBound, value + chunkValues))
        while value < range.upperBound {
            let values = value..<min(range.upperBound, value + chunkValues)
            pieces.prefetch(values.upperBound..<min(range.upperBound, values.upperBound + chunkValues))
            used = max(used, pieces.parts(forValues: values.count))
            // Each part touches its own partial and its own scratch only.
            try pieces.forEachPiece(of: values) { part, piece, inputs in
                let partScratch = UnsafeMutableBufferPointer(rebasing: scratch[(part * kernel.scratchValues)..<((part + 1) * kernel.scratchValues)])
                kernel.accumulate(inputs, firstValue: values.lowerBound + piece.lowerBound, scratch: partScratch, into: &partials[part])
            }
            onProgress?(values.count * bytesPerValue)
            value = values.upperBound
            if kernel.isFinished(partials[0..<used]) { break }
        }
        return Array(partials[0..<used])
    }
}
