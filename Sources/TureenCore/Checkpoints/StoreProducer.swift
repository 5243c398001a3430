/// Produces a store's tensors for a writer: as they are, or with floating-point tensors cast to
/// another dtype. Integer and bool tensors are never cast. Bytes stream in bounded chunks, so
/// memory stays flat however large the tensor.
///
/// Chunks are 256 KiB by default: a file's bytes are read with `pread` into the source's buffer
/// (never through a mapping, see `MappedFile`), and a chunk that small is still in the L2 cache
/// when the writer copies it on, so the copy costs no second trip to memory.
public struct StoreProducer: TensorProducer {
    /// The store being copied.
    public let store: TensorStore
    /// The output tensors (with cast dtypes applied).
    public let tensors: [TensorInfo]
    /// The store's metadata.
    public var metadata: [String: String] { store.metadata }
    /// The size in bytes of the chunks handed to the writer.
    public let chunkByteCount: Int
    /// Called with the number of input bytes consumed, for progress reporting.
    public var onProgress: ((Int) -> Void)?
    /// How many finite values each cast tensor took beyond its dtype's range (±Inf, or NaN for
    /// float8 E4M3FN, which has no infinity), by tensor index; tensors with none are left out.
    package let castOverflows = LockedValue<[Int: Int]>([:])

    /// A producer over `store`, casting floating-point tensors to `castTo` when it is given.
    ///
    /// - Throws: `CastError.targetNotFloatingPoint` if `castTo` is not a real floating dtype.
    public init(store: TensorStore, castTo: DType? = nil, chunkByteCount: Int = 256 << 10) throws {
        if let castTo, !castTo.isFloatingPoint {
            throw CastError.targetNotFloatingPoint(castTo)
        }
        self.store = store
        self.chunkByteCount = chunkByteCount
        self.tensors = try store.tensors.map { tensor in
            guard let castTo, tensor.info.dtype.isFloatingPoint else { return tensor.info }
            return try tensor.info.withDType(castTo)
        }
    }

    public func produce(tensorAt index: Int, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let input = store.tensors[index]
        let output = tensors[index]
        defer { input.source.releaseBytes(before: input.info.byteCount) }
        if input.info.dtype == output.dtype {
            try copy(input, into: sink)
        } else {
            try cast(input, at: index, to: output.dtype, into: sink)
        }
    }

    private func copy(_ input: StoredTensor, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var offset = 0
        let total = input.info.byteCount
        while offset < total {
            let end = min(total, offset + chunkByteCount)
            try input.source.withBytes(in: offset..<end) { try sink($0) }
            input.source.releaseBytes(before: end)
            onProgress?(end - offset)
            offset = end
        }
    }

    private func cast(_ input: StoredTensor, at index: Int, to dtype: DType, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let inputWidth = input.info.dtype.byteWidth
        let elementsPerChunk = max(1, chunkByteCount / max(inputWidth, dtype.byteWidth))
        let encoded = UnsafeMutableRawBufferPointer.allocate(byteCount: elementsPerChunk * dtype.byteWidth, alignment: 16)
        defer { encoded.deallocate() }
        var element = 0
        while element < input.info.elementCount {
            let count = min(elementsPerChunk, input.info.elementCount - element)
            let range = (element * inputWidth)..<((element + count) * inputWidth)
            let out = UnsafeMutableRawBufferPointer(rebasing: encoded[0..<(count * dtype.byteWidth)])
            let nonFinite = try input.source.withBytes(in: range) { bytes -> (input: Int, output: Int) in
                ElementCodec.convert(bytes, from: input.info.dtype, to: dtype, into: out)
                return (ElementCodec.countNonFinite(bytes, dtype: input.info.dtype), ElementCodec.countNonFinite(UnsafeRawBufferPointer(out), dtype: dtype))
            }
            // A cast keeps NaN and ±Inf as they are, so the output's extra ones were finite values.
            if nonFinite.output > nonFinite.input {
                castOverflows.withLock { $0[index, default: 0] += nonFinite.output - nonFinite.input }
            }
            try sink(UnsafeRawBufferPointer(out))
            input.source.releaseBytes(before: range.upperBound)
            onProgress?(range.count)
            element += count
        }
    }
}
