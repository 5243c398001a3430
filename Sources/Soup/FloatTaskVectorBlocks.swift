import TureenCore

/// Walks one piece of a tensor's inputs, every one a float of at most 32 bits (bf16, f16 or f32),
/// in blocks, and gives each ingredient's values and the base's as `Float`, decoded exactly. The
/// window pass classifies most task-vector values from these in 16-lane arithmetic and takes the
/// exact Float64 difference (`TaskVectorBlocks`'s δ = θᵢ − θ0) only near its window.
struct FloatTaskVectorBlocks {
    /// Each ingredient's dtype, then the base's.
    let inputTypes: [DType]

    /// Values per block: two blocks of `Float` fit the scratch `TaskVectorBlocks` asks for.
    static let blockValues = LinearMergeKernel.blockValues

    /// Blocks for `inputTypes` if every input decodes to `Float` exactly; nil otherwise.
    init?(inputTypes: [DType]) {
        guard inputTypes.allSatisfy({ [.bf16, .f16, .f32].contains($0.componentType) }) else { return nil }
        self.inputTypes = inputTypes
    }

    /// Calls `body(ingredient, offset, values, base)` for every block of the piece and every
    /// ingredient, where `offset` is the block's first value relative to the piece and `inputs` holds
    /// the piece's bytes of every ingredient, then of the base; `scratch` holds at least
    /// `blockValues` Float64 values (two blocks of `Float`), as `TaskVectorBlocks.scratchValues` does.
    func forEachBlock(
        of inputs: [UnsafeRawBufferPointer], scratch: UnsafeMutableBufferPointer<Double>,
        _ body: (_ ingredient: Int, _ offset: Int, _ values: UnsafeBufferPointer<Float>, _ base: UnsafeBufferPointer<Float>) -> Void
    ) {
        let blockValues = Self.blockValues
        precondition(scratch.count >= blockValues, "scratch smaller than two blocks of Float")
        scratch.withMemoryRebound(to: Float.self) { floats in
            walk(inputs, values: floats.baseAddress.unsafelyUnwrapped, base: floats.baseAddress.unsafelyUnwrapped + blockValues, body)
        }
    }

    private func walk(
        _ inputs: [UnsafeRawBufferPointer], values: UnsafeMutablePointer<Float>, base: UnsafeMutablePointer<Float>,
        _ body: (_ ingredient: Int, _ offset: Int, _ values: UnsafeBufferPointer<Float>, _ base: UnsafeBufferPointer<Float>) -> Void
    ) {
        let blockValues = Self.blockValues
        let baseIndex = inputTypes.count - 1
        let widths = inputTypes.map(\.componentType.byteWidth)
        let valueCount = inputs[baseIndex].count / widths[baseIndex]
        var start = 0
        while start < valueCount {
            let count = min(blockValues, valueCount - start)
            Self.decode(inputs[baseIndex], as: inputTypes[baseIndex].componentType, from: start, count: count, into: base)
            for ingredient in 0..<baseIndex {
                Self.decode(inputs[ingredient], as: inputTypes[ingredient].componentType, from: start, count: count, into: values)
                body(ingredient, start, UnsafeBufferPointer(start: values, count: count), UnsafeBufferPointer(start: base, count: count))
            }
            start += count
        }
    }

    /// Decodes values `start..<start + count` of `bytes` (of `type`: bf16, f16 or f32) into `output`.
    private static func decode(_ bytes: UnsafeRawBufferPointer, as type: DType, from start: Int, count: Int, into output: UnsafeMutablePointer<Float>) {
        let source = bytes.baseAddress.unsafelyUnwrapped
        switch type {
        case .bf16:
            for k in 0..<count {
                // bf16 is the top half of a Float (`FloatBits.float(fromBF16:)`, written out: it is not
                // inlined across modules, and a call per value stops the loop from vectorising).
                output[k] = Float(bitPattern: UInt32(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: (start &+ k) &* 2, as: UInt16.self))) << 16)
            }
        case .f16:
            for k in 0..<count {
                output[k] = Float(Float16(bitPattern: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: (start &+ k) &* 2, as: UInt16.self))))
            }
        case .f32:
            for k in 0..<count {
                output[k] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: (start &+ k) &* 4, as: UInt32.self)))
            }
        default:
            preconditionFailure("\(type) does not decode to Float exactly")
        }
    }
}
