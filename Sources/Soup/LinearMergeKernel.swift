import TureenCore

/// The arithmetic of a linear soup over one slice of a chunk: Float64 accumulation of Σ wᵢ·θᵢ,
/// divided by the recipe's divisor (for base-relative soups: minus (Σ wᵢ)·θ0, times λ / divisor,
/// plus θ0), then one rounding to nearest-even in the output dtype. Inputs are byte views, each in
/// its own dtype (a bf16 fine-tune beside its f32 base); nothing is rounded before the end.
struct LinearMergeKernel: MergeKernel {
    let recipe: SoupRecipe
    /// The dtype of each input: the ingredients', then the base's.
    let inputTypes: [DType]
    let outputType: DType
    private let division: CorrectlyRoundedDivision
    private let weightSum: Double

    init(recipe: SoupRecipe, inputTypes: [DType], outputType: DType) {
        self.recipe = recipe
        self.inputTypes = inputTypes
        self.outputType = outputType
        self.division = CorrectlyRoundedDivision(divisor: recipe.divisor)
        self.weightSum = recipe.weights.reduce(0, +)
    }

    /// Values per block: the accumulator block (8 KiB) stays in the L1 cache while every input
    /// passes over it.
    static let blockValues = 1024

    /// The block accumulator.
    var scratchValues: Int { Self.blockValues }

    /// Computes `output` (components of `outputType`) from the ingredient and base slices, counting
    /// non-finite values as it goes; the arithmetic is the same for every value, so `firstValue`
    /// plays no part. `scratch` is the block accumulator.
    func merge(
        ingredients: [UnsafeRawBufferPointer], base: UnsafeRawBufferPointer?, firstValue: Int,
        scratch accumulator: UnsafeMutableBufferPointer<Double>, output: UnsafeMutableRawBufferPointer
    ) -> NonFiniteCount {
        precondition(accumulator.count >= Self.blockValues, "accumulator smaller than a block")
        var counts = NonFiniteCount(ingredientCount: ingredients.count)
        let outputWidth = outputType.componentType.byteWidth
        let valueCount = output.count / outputWidth
        var start = 0
        while start < valueCount {
            let end = min(valueCount, start + Self.blockValues)
            mergeBlock(
                ingredients: ingredients, base: base, values: start..<end,
                accumulator: UnsafeMutableBufferPointer(rebasing: accumulator[0..<(end - start)]),
                output: UnsafeMutableRawBufferPointer(rebasing: output[(start * outputWidth)..<(end * outputWidth)]),
                counts: &counts
            )
            start = end
        }
        return counts
    }

    /// Merges `values` (slice-relative) of every input into `accumulator` and rounds them into `output`.
    private func mergeBlock(
        ingredients: [UnsafeRawBufferPointer], base: UnsafeRawBufferPointer?, values: Range<Int>,
        accumulator: UnsafeMutableBufferPointer<Double>, output: UnsafeMutableRawBufferPointer, counts: inout NonFiniteCount
    ) {
        let widths = inputWidths
        func slice(_ input: UnsafeRawBufferPointer, _ index: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: input[(values.lowerBound * widths[index])..<(values.upperBound * widths[index])])
        }
        for (index, ingredient) in ingredients.enumerated() {
            let input = slice(ingredient, index)
            if index == 0 {
                ElementCodec.decode(input, dtype: inputTypes[index], weight: recipe.weights[index], into: accumulator)
            } else {
                ElementCodec.accumulate(input, dtype: inputTypes[index], weight: recipe.weights[index], into: accumulator)
            }
        }
        let baseIndex = ingredients.count
        let baseInput = base.map { slice($0, baseIndex) }
        if let baseRelative = recipe.baseRelative, let baseInput {
            ElementCodec.accumulate(baseInput, dtype: inputTypes[baseIndex], weight: -weightSum, into: accumulator)
            let factor = baseRelative.scale / recipe.divisor
            for i in accumulator.indices { accumulator[i] *= factor }
            ElementCodec.accumulate(baseInput, dtype: inputTypes[baseIndex], weight: 1, into: accumulator)
        } else if recipe.divisor != 1 {
            division.apply(to: accumulator)
        }
        ElementCodec.encode(UnsafeBufferPointer(accumulator), to: outputType, into: output)
        let resultCount = ElementCodec.countNonFinite(UnsafeRawBufferPointer(output), dtype: outputType)
        guard resultCount > 0 else { return }
        // NaN and ±Inf propagate through every step above, so a block whose result is finite has
        // none in its inputs either; only the rare block with some is counted input by input.
        counts.result += resultCount
        for (index, ingredient) in ingredients.enumerated() {
            counts.perIngredient[index] += ElementCodec.countNonFinite(slice(ingredient, index), dtype: inputTypes[index])
        }
        if let baseInput { counts.base += ElementCodec.countNonFinite(baseInput, dtype: inputTypes[baseIndex]) }
    }
}
