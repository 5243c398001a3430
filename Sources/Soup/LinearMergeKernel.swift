import TureenCore

/// The arithmetic of a linear soup over one slice of a chunk: Float64 accumulation of Σ wᵢ·θᵢ,
/// divided by the recipe's divisor (for base-relative soups: minus (Σ wᵢ)·θ0, times λ / divisor,
/// plus θ0), then one rounding to nearest-even in the output dtype. Inputs are byte views in their
/// own dtype; nothing is rounded before the end.
struct LinearMergeKernel {
    let recipe: SoupRecipe
    let inputType: DType
    let outputType: DType
    private let division: CorrectlyRoundedDivision
    private let weightSum: Double

    init(recipe: SoupRecipe, inputType: DType, outputType: DType) {
        self.recipe = recipe
        self.inputType = inputType
        self.outputType = outputType
        self.division = CorrectlyRoundedDivision(divisor: recipe.divisor)
        self.weightSum = recipe.weights.reduce(0, +)
    }

    /// Values per block: the accumulator block (8 KiB) stays in the L1 cache while every input
    /// passes over it.
    static let blockValues = 1024

    /// Computes `output` (components of `outputType`) from the ingredient and base slices, counting
    /// non-finite values as it goes. `accumulator` is scratch space for `blockValues` values.
    func merge(
        ingredients: [UnsafeRawBufferPointer], base: UnsafeRawBufferPointer?,
        accumulator: UnsafeMutableBufferPointer<Double>, output: UnsafeMutableRawBufferPointer
    ) -> NonFiniteCount {
        precondition(accumulator.count >= Self.blockValues, "accumulator smaller than a block")
        var counts = NonFiniteCount(ingredientCount: ingredients.count)
        let inputWidth = inputType.componentType.byteWidth
        let outputWidth = outputType.componentType.byteWidth
        let valueCount = output.count / outputWidth
        var start = 0
        while start < valueCount {
            let end = min(valueCount, start + Self.blockValues)
            let inputRange = (start * inputWidth)..<(end * inputWidth)
            mergeBlock(
                ingredients: ingredients, base: base, inputRange: inputRange,
                accumulator: UnsafeMutableBufferPointer(rebasing: accumulator[0..<(end - start)]),
                output: UnsafeMutableRawBufferPointer(rebasing: output[(start * outputWidth)..<(end * outputWidth)]),
                counts: &counts
            )
            start = end
        }
        return counts
    }

    /// Merges the values at `inputRange` of every input into `accumulator` and rounds them into `output`.
    private func mergeBlock(
        ingredients: [UnsafeRawBufferPointer], base: UnsafeRawBufferPointer?, inputRange: Range<Int>,
        accumulator: UnsafeMutableBufferPointer<Double>, output: UnsafeMutableRawBufferPointer, counts: inout NonFiniteCount
    ) {
        for (index, ingredient) in ingredients.enumerated() {
            let input = UnsafeRawBufferPointer(rebasing: ingredient[inputRange])
            if index == 0 {
                ElementCodec.decode(input, dtype: inputType, weight: recipe.weights[index], into: accumulator)
            } else {
                ElementCodec.accumulate(input, dtype: inputType, weight: recipe.weights[index], into: accumulator)
            }
        }
        let baseInput = base.map { UnsafeRawBufferPointer(rebasing: $0[inputRange]) }
        if let baseRelative = recipe.baseRelative, let baseInput {
            ElementCodec.accumulate(baseInput, dtype: inputType, weight: -weightSum, into: accumulator)
            let factor = baseRelative.scale / recipe.divisor
            for i in accumulator.indices { accumulator[i] *= factor }
            ElementCodec.accumulate(baseInput, dtype: inputType, weight: 1, into: accumulator)
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
            counts.perIngredient[index] += ElementCodec.countNonFinite(UnsafeRawBufferPointer(rebasing: ingredient[inputRange]), dtype: inputType)
        }
        if let baseInput { counts.base += ElementCodec.countNonFinite(baseInput, dtype: inputType) }
    }
}
