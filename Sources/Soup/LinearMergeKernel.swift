import TensorStore

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
    /// non-finite values as it goes. `accumulator` holds exactly as many values as the slice.
    func merge(
        ingredients: [UnsafeRawBufferPointer], base: UnsafeRawBufferPointer?,
        accumulator: UnsafeMutableBufferPointer<Double>, output: UnsafeMutableRawBufferPointer
    ) -> NonFiniteCount {
        var counts = NonFiniteCount(ingredientCount: ingredients.count)
        let inputWidth = inputType.componentType.byteWidth
        let outputWidth = outputType.componentType.byteWidth
        var start = 0
        while start < accumulator.count {
            let end = min(accumulator.count, start + Self.blockValues)
            let inputRange = (start * inputWidth)..<(end * inputWidth)
            mergeBlock(
                ingredients: ingredients, base: base, inputRange: inputRange,
                accumulator: UnsafeMutableBufferPointer(rebasing: accumulator[start..<end]),
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
            let bytes = UnsafeRawBufferPointer(rebasing: ingredient[inputRange])
            let weight = recipe.weights[index]
            counts.perIngredient[index] += index == 0
                ? ElementCodec.decode(bytes, dtype: inputType, weight: weight, into: accumulator)
                : ElementCodec.accumulate(bytes, dtype: inputType, weight: weight, into: accumulator)
        }
        if let baseRelative = recipe.baseRelative, let wholeBase = base {
            let base = UnsafeRawBufferPointer(rebasing: wholeBase[inputRange])
            counts.base += ElementCodec.accumulate(base, dtype: inputType, weight: -weightSum, into: accumulator)
            let factor = baseRelative.scale / recipe.divisor
            for i in accumulator.indices { accumulator[i] *= factor }
            ElementCodec.accumulate(base, dtype: inputType, weight: 1, into: accumulator)
        } else if recipe.divisor != 1 {
            division.apply(to: accumulator)
        }
        counts.result += ElementCodec.encode(UnsafeBufferPointer(accumulator), to: outputType, into: output)
    }
}
