import TureenCore

/// The arithmetic of TIES and DARE over one slice of a chunk (`SparseTaskArithmeticMethod`), in Float64
/// with one rounding into the output dtype at the end: for each block of values, every
/// ingredient's δᵢ = θᵢ − θ0, thinned and rescaled by its `TaskVectorSparsifier` and multiplied by
/// wᵢ; then, as mergekit's `generalized_task_arithmetic`:
/// - with sign consensus (`SignConsensus`), the elected sign is + where Σ wᵢδ̃ᵢ ≥ 0 and − elsewhere; the
///   sum is Σ wᵢδ̃ᵢ·[sign(wᵢδ̃ᵢ) = elected] and the divisor Σ wᵢ·[same], 1 where that is 0;
/// - without, the sum is Σ wᵢδ̃ᵢ and the divisor Σ wᵢ, 1 where |Σ wᵢ| < 10⁻⁸;
/// - the sum is divided by the divisor when normalising, multiplied by λ, and added to θ0.
/// Zeros have no sign, so they never take part in a consensus.
struct SparseMergeKernel: MergeKernel {
    /// Each ingredient's dtype, then the base's.
    let inputTypes: [DType]
    let outputType: DType
    let weights: [Double]
    let sparsifiers: [TaskVectorSparsifier]
    let signConsensus: Bool
    let normalize: Bool
    let lambda: Double

    var ingredientCount: Int { weights.count }

    /// Values per block: the kernel's blocks (one per ingredient and four more) stay in the L1 cache.
    static let blockValues = 512

    /// Scratch space per thread: a block per ingredient and four more.
    var scratchValues: Int { (ingredientCount + 4) * Self.blockValues }

    /// Computes `output` (values of `outputType`) from the ingredients' and the base's bytes for the
    /// same values, the first of which is value `firstValue` of the tensor (the masks depend on it).
    func merge(
        ingredients: [UnsafeRawBufferPointer], base: UnsafeRawBufferPointer?, firstValue: Int,
        scratch: UnsafeMutableBufferPointer<Double>, output: UnsafeMutableRawBufferPointer
    ) -> NonFiniteCount {
        precondition(scratch.count >= scratchValues, "scratch smaller than the kernel's blocks")
        guard let base else { preconditionFailure("TIES and DARE are merged relative to a base") }
        let inputs = ingredients + [base]
        var counts = NonFiniteCount(ingredientCount: ingredientCount)
        let outputWidth = outputType.componentType.byteWidth
        let valueCount = output.count / outputWidth
        let blockValues = Self.blockValues
        let widths = inputWidths
        // The block and slice arrays are made once and rebased per block (no allocation per block).
        var blocks = [UnsafeMutableBufferPointer<Double>](repeating: UnsafeMutableBufferPointer(start: nil, count: 0), count: ingredientCount + 4)
        var slices = [UnsafeRawBufferPointer](repeating: UnsafeRawBufferPointer(start: nil, count: 0), count: inputs.count)
        var start = 0
        while start < valueCount {
            let end = min(valueCount, start + blockValues)
            for index in blocks.indices {
                blocks[index] = UnsafeMutableBufferPointer(rebasing: scratch[(index * blockValues)..<(index * blockValues + end - start)])
            }
            for index in slices.indices {
                slices[index] = UnsafeRawBufferPointer(rebasing: inputs[index][(start * widths[index])..<(end * widths[index])])
            }
            mergeBlock(
                slices, firstValue: firstValue + start, blocks: blocks,
                output: UnsafeMutableRawBufferPointer(rebasing: output[(start * outputWidth)..<(end * outputWidth)]), counts: &counts)
            start = end
        }
        return counts
    }

    /// Merges one block: `blocks` holds a buffer per ingredient (its weighted δ̃), then the base,
    /// Σ wᵢδ̃ᵢ, the result (scratch for mask factors before that), and the sign consensus's divisors.
    /// A TIES block whose inputs share a dtype is merged in one loop from their bytes
    /// (`SignConsensus.mergeDecoding`: the same arithmetic, with only the result stored), others a
    /// step at a time through the blocks.
    private func mergeBlock(
        _ inputs: [UnsafeRawBufferPointer], firstValue: Int, blocks: [UnsafeMutableBufferPointer<Double>],
        output: UnsafeMutableRawBufferPointer, counts: inout NonFiniteCount
    ) {
        let result = blocks[ingredientCount + 2]
        if signConsensus, let dtype = sharedInputType,
           SignConsensus(weights: weights, normalize: normalize, lambda: lambda)
            .mergeDecoding(inputs, dtype: dtype, sparsifiers: sparsifiers, firstValue: firstValue, into: result) {
            encode(result, inputs: inputs, output: output, counts: &counts)
            return
        }
        let base = blocks[ingredientCount]
        let total = blocks[ingredientCount + 1]
        ElementCodec.decode(inputs[ingredientCount], dtype: inputTypes[ingredientCount], into: base)
        for ingredient in 0..<ingredientCount {
            let deltas = blocks[ingredient]
            ElementCodec.decodeDifference(inputs[ingredient], dtype: inputTypes[ingredient], minus: UnsafeBufferPointer(base), into: deltas)
            sparsifiers[ingredient].weigh(
                deltas, from: firstValue, weight: weights[ingredient], into: total, startsTotal: ingredient == 0, factors: result)
        }
        if signConsensus {
            SignConsensus(weights: weights, normalize: normalize, lambda: lambda)
                .merge(terms: blocks[0..<ingredientCount], total: total, base: base, divisors: blocks[ingredientCount + 3], into: result)
        } else {
            let weightSum = weights.reduce(0, +)
            let usable = weightSum.magnitude < 1e-8 ? 1 : weightSum
            for k in result.indices {
                let merged = normalize ? total[k] / usable : total[k]
                let scaled = merged * lambda
                result[k] = scaled + base[k]
            }
        }
        encode(result, inputs: inputs, output: output, counts: &counts)
    }

    /// The dtype of every input, ingredients and base, if they share one.
    private var sharedInputType: DType? {
        inputTypes.dropFirst().allSatisfy { $0 == inputTypes[0] } ? inputTypes.first : nil
    }

    /// Rounds a block's `result` into `output` and counts its NaN and ±Inf (and, where it has some,
    /// the inputs').
    private func encode(
        _ result: UnsafeMutableBufferPointer<Double>, inputs: [UnsafeRawBufferPointer], output: UnsafeMutableRawBufferPointer,
        counts: inout NonFiniteCount
    ) {
        ElementCodec.encode(UnsafeBufferPointer(result), to: outputType, into: output)
        let resultCount = ElementCodec.countNonFinite(UnsafeRawBufferPointer(output), dtype: outputType)
        guard resultCount > 0 else { return }
        // NaN and ±Inf in an input reach the result (a dropped one as 0·∞ = NaN), so only a block
        // whose result has some is counted input by input.
        counts.result += resultCount
        for ingredient in 0..<ingredientCount {
            counts.perIngredient[ingredient] += ElementCodec.countNonFinite(inputs[ingredient], dtype: inputTypes[ingredient])
        }
        counts.base += ElementCodec.countNonFinite(inputs[ingredientCount], dtype: inputTypes[ingredientCount])
    }
}
