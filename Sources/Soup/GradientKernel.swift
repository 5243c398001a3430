import TureenCore

/// The arithmetic of the learned soup's gradient pass over one piece of one tensor: with the
/// current soup θ = Σⱼ wⱼθⱼ / Σⱼ wⱼ (in Float64, never rounded) and the loss gradient g, adds
/// ⟨g, θᵢ − θ⟩ for every ingredient i. Differences from the soup, not ⟨g, θᵢ⟩ − ⟨g, θ⟩, so that
/// nearly equal ingredients do not cancel.
struct GradientKernel {
    /// Each ingredient's dtype for the tensor (they may differ: a bf16 and an f32 fine-tune).
    let ingredientTypes: [DType]
    let gradientType: DType
    /// The tensor's mixing weights, one per ingredient.
    let weights: [Double]
    private let weightSum: Double

    init(ingredientTypes: [DType], gradientType: DType, weights: [Double]) {
        self.ingredientTypes = ingredientTypes
        self.gradientType = gradientType
        self.weights = weights
        self.weightSum = weights.reduce(0, +)
    }

    /// Per-thread scratch space: three blocks of `LinearMergeKernel.blockValues` values.
    static let scratchValues = 3 * LinearMergeKernel.blockValues

    /// Adds each ingredient's ⟨g, θᵢ − θ⟩ over the piece to `derivatives[i]`; `inputs` holds the
    /// ingredients' bytes, then the gradient's, for the same values.
    func accumulate(inputs: [UnsafeRawBufferPointer], scratch: UnsafeMutableBufferPointer<Double>, into derivatives: UnsafeMutableBufferPointer<Double>) {
        let blockValues = LinearMergeKernel.blockValues
        precondition(scratch.count >= Self.scratchValues, "scratch smaller than three blocks")
        let ingredientWidths = ingredientTypes.map(\.componentType.byteWidth)
        let gradientWidth = gradientType.componentType.byteWidth
        let ingredientCount = weights.count
        let valueCount = inputs[ingredientCount].count / gradientWidth
        var start = 0
        while start < valueCount {
            let end = min(valueCount, start + blockValues)
            let count = end - start
            let soup = UnsafeMutableBufferPointer(rebasing: scratch[0..<count])
            let gradient = UnsafeMutableBufferPointer(rebasing: scratch[blockValues..<(blockValues + count)])
            let ingredient = UnsafeMutableBufferPointer(rebasing: scratch[(2 * blockValues)..<(2 * blockValues + count)])
            func ingredientBytes(_ index: Int) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: inputs[index][(start * ingredientWidths[index])..<(end * ingredientWidths[index])])
            }
            for index in 0..<ingredientCount {
                if index == 0 {
                    ElementCodec.decode(ingredientBytes(index), dtype: ingredientTypes[index], weight: weights[index], into: soup)
                } else {
                    ElementCodec.accumulate(ingredientBytes(index), dtype: ingredientTypes[index], weight: weights[index], into: soup)
                }
            }
            for i in soup.indices { soup[i] /= weightSum }
            ElementCodec.decode(
                UnsafeRawBufferPointer(rebasing: inputs[ingredientCount][(start * gradientWidth)..<(end * gradientWidth)]),
                dtype: gradientType, into: gradient)
            for index in 0..<ingredientCount {
                ElementCodec.decode(ingredientBytes(index), dtype: ingredientTypes[index], into: ingredient)
                derivatives[index] += Self.dot(gradient, ingredient, minus: soup)
            }
            start = end
        }
    }

    /// ⟨g, x − s⟩ with four partial sums, so the additions need not wait on each other.
    @inline(__always)
    private static func dot(
        _ g: UnsafeMutableBufferPointer<Double>, _ x: UnsafeMutableBufferPointer<Double>, minus s: UnsafeMutableBufferPointer<Double>
    ) -> Double {
        var partial = (0.0, 0.0, 0.0, 0.0)
        let count = g.count
        var k = 0
        while k + 4 <= count {
            partial.0 += g[k] * (x[k] - s[k])
            partial.1 += g[k + 1] * (x[k + 1] - s[k + 1])
            partial.2 += g[k + 2] * (x[k + 2] - s[k + 2])
            partial.3 += g[k + 3] * (x[k + 3] - s[k + 3])
            k += 4
        }
        while k < count {
            partial.0 += g[k] * (x[k] - s[k])
            k += 1
        }
        return (partial.0 + partial.1) + (partial.2 + partial.3)
    }
}
