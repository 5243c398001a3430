import TureenCore

/// Walks one piece of a tensor's inputs (ingredients, then the base, each in its own dtype) in
/// L1-sized blocks and gives each ingredient's task vector δ = θᵢ − θ0 in Float64: θᵢ decoded
/// exactly, θ0 subtracted with one rounding (exact for inputs of 32 bits or fewer in range).
struct TaskVectorBlocks {
    /// Each ingredient's dtype, then the base's.
    let inputTypes: [DType]

    var ingredientCount: Int { inputTypes.count - 1 }

    /// Scratch space per thread: two blocks (the deltas and the base, decoded once per block).
    static let scratchValues = 2 * LinearMergeKernel.blockValues

    /// Calls `body(ingredient, offset, deltas)` for every block of the piece and every ingredient,
    /// where `offset` is the block's first value relative to the piece and `inputs` holds the piece's
    /// bytes of every ingredient, then of the base.
    func forEachBlock(
        of inputs: [UnsafeRawBufferPointer], scratch: UnsafeMutableBufferPointer<Double>,
        _ body: (_ ingredient: Int, _ offset: Int, _ deltas: UnsafeMutableBufferPointer<Double>) throws -> Void
    ) rethrows {
        let widths = inputTypes.map(\.componentType.byteWidth)
        let baseIndex = ingredientCount
        let valueCount = inputs[baseIndex].count / widths[baseIndex]
        let blockValues = LinearMergeKernel.blockValues
        var start = 0
        while start < valueCount {
            let end = min(valueCount, start + blockValues)
            let deltas = UnsafeMutableBufferPointer(rebasing: scratch[0..<(end - start)])
            let base = UnsafeMutableBufferPointer(rebasing: scratch[blockValues..<(blockValues + end - start)])
            func bytes(_ index: Int) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: inputs[index][(start * widths[index])..<(end * widths[index])])
            }
            ElementCodec.decode(bytes(baseIndex), dtype: inputTypes[baseIndex], into: base)
            for ingredient in 0..<ingredientCount {
                ElementCodec.decodeDifference(bytes(ingredient), dtype: inputTypes[ingredient], minus: UnsafeBufferPointer(base), into: deltas)
                try body(ingredient, start, deltas)
            }
            start = end
        }
    }
}
