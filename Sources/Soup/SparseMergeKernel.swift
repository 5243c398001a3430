import TureenCore

/// The arithmetic of TIES and DARE over one slice of a chunk (`SparseTaskArithmeticMethod`), in Float64
/// with one rounding into the output dtype at the end: for each block of values, every
/// ingredient's δᵢ = θᵢ − θ0, thinned and rescaled by its `TaskVectorSparsifier` and multiplied by
/// wᵢ; then, as mergekit's `generalized_task_arithmetic`:
/// - with sign consensus, the elected sign is + where Σ wᵢδ̃ᵢ ≥ 0 and − elsewhere (NaN too); the
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

    /// Scratch space per thread: a block per ingredient and four more.
    var scratchValues: Int { (ingredientCount + 4) * LinearMergeKernel.blockValues }

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
        let blockValues = LinearMergeKernel.blockValues
        var start = 0
        while start < valueCount {
            let end = min(valueCount, start + blockValues)
            let blocks = (0..<(ingredientCount + 4)).map { index in
                UnsafeMutableBufferPointer(rebasing: scratch[(index * blockValues)..<(index * blockValues + end - start)])
            }
            let widths = inputWidths
            let slices = inputs.enumerated().map { index, input in
                UnsafeRawBufferPointer(rebasing: input[(start * widths[index])..<(end * widths[index])])
            }
            mergeBlock(
                slices, firstValue: firstValue + start, blocks: blocks,
                output: UnsafeMutableRawBufferPointer(rebasing: output[(start * outputWidth)..<(end * outputWidth)]), counts: &counts)
            start = end
        }
        return counts
    }

    /// Merges one block: `blocks` holds a buffer per ingredient (its weighted δ̃), then the base,
    /// the sum, the divisor and the elected signs (scratch for mask factors before that).
    private func mergeBlock(
        _ inputs: [UnsafeRawBufferPointer], firstValue: Int, blocks: [UnsafeMutableBufferPointer<Double>],
        output: UnsafeMutableRawBufferPointer, counts: inout NonFiniteCount
    ) {
        let base = blocks[ingredientCount]
        let sum = blocks[ingredientCount + 1]
        let divisor = blocks[ingredientCount + 2]
        let elected = blocks[ingredientCount + 3]
        ElementCodec.decode(inputs[ingredientCount], dtype: inputTypes[ingredientCount], into: base)
        for ingredient in 0..<ingredientCount {
            let deltas = blocks[ingredient]
            ElementCodec.decode(inputs[ingredient], dtype: inputTypes[ingredient], into: deltas)
            for k in deltas.indices { deltas[k] -= base[k] }
            sparsifiers[ingredient].apply(to: deltas, from: firstValue, factors: elected)
            let weight = weights[ingredient]
            for k in deltas.indices { deltas[k] *= weight }
        }
        if signConsensus {
            combineBySignConsensus(blocks[0..<ingredientCount], elected: elected, sum: sum, divisor: divisor)
        } else {
            combineLinearly(blocks[0..<ingredientCount], sum: sum, divisor: divisor)
        }
        if normalize {
            for k in sum.indices { sum[k] /= divisor[k] }
        }
        if lambda != 1 {
            for k in sum.indices { sum[k] *= lambda }
        }
        for k in sum.indices { sum[k] += base[k] }
        ElementCodec.encode(UnsafeBufferPointer(sum), to: outputType, into: output)
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

    /// Σ wᵢδ̃ᵢ over the terms whose sign is the elected one, and the sum of their weights.
    private func combineBySignConsensus(
        _ terms: ArraySlice<UnsafeMutableBufferPointer<Double>>, elected: UnsafeMutableBufferPointer<Double>,
        sum: UnsafeMutableBufferPointer<Double>, divisor: UnsafeMutableBufferPointer<Double>
    ) {
        for k in elected.indices { elected[k] = 0 }
        for term in terms {
            for k in elected.indices { elected[k] += term[k] }
        }
        for k in elected.indices { elected[k] = elected[k] >= 0 ? 1 : -1 }
        for k in sum.indices {
            sum[k] = 0
            divisor[k] = 0
        }
        for (ingredient, term) in zip(terms.indices, terms) {
            let weight = weights[ingredient]
            for k in sum.indices {
                // The term's sign is the elected ±1 exactly when their product is positive
                // (never for a zero or NaN term).
                let agrees: Double = term[k] * elected[k] > 0 ? 1 : 0
                sum[k] += term[k] * agrees
                divisor[k] += weight * agrees
            }
        }
        for k in divisor.indices where divisor[k] == 0 { divisor[k] = 1 }
    }

    /// Σ wᵢδ̃ᵢ and Σ wᵢ (1 where its magnitude is below 10⁻⁸).
    private func combineLinearly(
        _ terms: ArraySlice<UnsafeMutableBufferPointer<Double>>, sum: UnsafeMutableBufferPointer<Double>, divisor: UnsafeMutableBufferPointer<Double>
    ) {
        for k in sum.indices { sum[k] = 0 }
        for term in terms {
            for k in sum.indices { sum[k] += term[k] }
        }
        let weightSum = weights.reduce(0, +)
        let usable = weightSum.magnitude < 1e-8 ? 1 : weightSum
        for k in divisor.indices { divisor[k] = usable }
    }
}
