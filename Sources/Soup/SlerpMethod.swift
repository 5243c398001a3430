import Foundation

/// SLERP between the base θ0 and one other model θ1 at t, on the raw weights, as mergekit 0.1.5
/// computes it per tensor: with each tensor's vector scaled to unit norm (when its norm exceeds
/// 1e-8), d = ⟨v0, v1⟩; when |d| > 0.9995 the two are nearly parallel and the result is the linear
/// interpolation (1 − t)·θ0 + t·θ1; otherwise, with Ω = arccos d, it is
/// sin((1 − t)Ω)/sin Ω · θ0 + sin(tΩ)/sin Ω · θ1. t = 0 gives θ0 exactly, t = 1 gives θ1.
///
/// First pass: ⟨θ0, θ1⟩, ‖θ0‖² and ‖θ1‖² in Float64 (`GramKernel`); second: the weighted sum
/// of the two, one rounding. The plan's ingredients are θ0 then θ1, with no separate base.
struct SlerpMethod: TensorMergeMethod {
    /// mergekit's threshold on |cos Ω| above which it interpolates linearly.
    static let parallelThreshold = 0.9995
    /// mergekit's smallest norm that is normalised.
    static let normalizedNormFloor = 1e-8

    func prepare(_ entry: SoupPlan.Entry, parameters: MergeRecipe.Parameters, passes: StatisticsPass) throws -> PreparedTensor {
        let gram = GramKernel.combine(try passes.run(GramKernel(sourceTypes: entry.sourceTypes, relativeToLast: false), over: entry.sources))
        guard gram.allSatisfy(\.isFinite) else { throw MergeError.slerpUndefined(tensor: entry.output.name) }
        let (cosine, weights) = Self.weights(t: parameters.t, dot: gram[1], squaredNorms: (gram[0], gram[2]))
        let recipe = try SoupRecipe(combining: [weights.base, weights.other])
        return PreparedTensor(
            kernel: LinearMergeKernel(recipe: recipe, inputTypes: entry.sourceTypes, outputType: entry.output.dtype),
            statistics: ["t": parameters.t, "cosine": cosine, "base_weight": weights.base, "other_weight": weights.other,
                         "linear": cosine.magnitude > Self.parallelThreshold ? 1 : 0])
    }

    /// The cosine mergekit compares with its threshold, and the weights of θ0 and θ1.
    static func weights(t: Double, dot: Double, squaredNorms: (Double, Double)) -> (cosine: Double, weights: (base: Double, other: Double)) {
        func scale(_ squaredNorm: Double) -> Double {
            let norm = squaredNorm.squareRoot()
            return norm > normalizedNormFloor ? norm : 1
        }
        let cosine = dot / scale(squaredNorms.0) / scale(squaredNorms.1)
        guard cosine.magnitude <= parallelThreshold else { return (cosine, (1 - t, t)) }
        let angle = acos(cosine)
        let sine = sin(angle)
        return (cosine, (sin((1 - t) * angle) / sine, sin(t * angle) / sine))
    }
}
