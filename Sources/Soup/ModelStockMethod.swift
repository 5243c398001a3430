/// Model Stock (Jang et al., 2024) as mergekit 0.1.5 computes it, per tensor: c is the mean of the
/// pairwise cosines of the task vectors δᵢ = θᵢ − θ0, each ⟨δᵢ, δⱼ⟩ / max(‖δᵢ‖·‖δⱼ‖, 1e-6) clamped to
/// [−1, 1] (so a zero task vector has cosine 0 with every other); t = N·c / (1 + (N − 1)·c); the
/// result t·mean(θᵢ) + (1 − t)·θ0 = θ0 + (t/N)·Σ(θᵢ − θ0), a base-relative uniform soup of scale t.
///
/// First pass: the Gram matrix of the task vectors in Float64 (`GramKernel`); second: the soup.
/// Where |1 + (N − 1)·c| < 1e-6, t is undefined (c = −1/(N − 1), the unit task vectors sum to zero,
/// up to rounding): as mergekit 0.1.5 does, t is then 0 and the result the base. A NaN c (from
/// non-finite inputs) is refused.
struct ModelStockMethod: TensorMergeMethod {
    /// mergekit's floor on the product of two norms.
    static let normProductFloor = 1e-6
    /// mergekit's smallest |1 + (N − 1)·c| for which t is computed.
    static let smallestDenominator = 1e-6

    func prepare(_ entry: SoupPlan.Entry, parameters: MergeRecipe.Parameters, passes: StatisticsPass) throws -> PreparedTensor {
        let count = entry.inputs.count
        let gram = GramKernel.combine(try passes.run(GramKernel(sourceTypes: entry.sourceTypes, relativeToLast: true), over: entry.sources))
        let cosine = Self.meanCosine(gram: gram, count: count)
        guard cosine.isFinite else { throw MergeError.modelStockUndefined(tensor: entry.output.name, ingredients: count) }
        let denominator = 1 + Double(count - 1) * cosine
        let t = denominator.magnitude < Self.smallestDenominator ? 0 : Double(count) * cosine / denominator
        let recipe = try SoupRecipe(weights: Array(repeating: 1, count: count), divisor: Double(count), baseRelative: .init(scale: t))
        return PreparedTensor(
            kernel: LinearMergeKernel(recipe: recipe, inputTypes: entry.sourceTypes, outputType: entry.output.dtype),
            statistics: ["cosine": cosine, "t": t])
    }

    /// The mean pairwise cosine of `count` vectors from the upper triangle of their Gram matrix.
    static func meanCosine(gram: [Double], count: Int) -> Double {
        func slot(_ i: Int, _ j: Int) -> Int { i * count - i * (i - 1) / 2 + (j - i) }
        var sum = 0.0
        var pairs = 0
        for i in 0..<count {
            for j in (i + 1)..<count {
                let normProduct = gram[slot(i, i)].squareRoot() * gram[slot(j, j)].squareRoot()
                let cosine = gram[slot(i, j)] / max(normProduct, normProductFloor)
                sum += cosine.isNaN ? cosine : min(1, max(-1, cosine))
                pairs += 1
            }
        }
        return sum / Double(pairs)
    }
}
