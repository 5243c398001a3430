/// What a merge computes, as a value: a method and its parameters, the same for every tensor or
/// given per tensor (mergekit's filters and layer gradients, resolved to each tensor by name).
///
/// Inputs are ingredients and, for the methods that need one, a base model θ0; `MergeJob` opens
/// them and `MergePreparation` runs the method.
public struct MergeRecipe: Sendable, Equatable {
    /// The merge methods, by mergekit's names.
    public enum Method: String, Sendable, CaseIterable {
        /// Σ wᵢθᵢ, divided by Σ wᵢ when normalising (the weighted soup).
        case linear
        /// θ0 + λ Σ wᵢ(θᵢ − θ0), divided by Σ wᵢ only when normalising.
        case taskArithmetic = "task_arithmetic"
        /// TIES: trimmed task vectors, an elected sign per element, the agreeing values' weighted mean.
        case ties
        /// DARE: task vectors with random elements dropped and the rest rescaled, summed linearly.
        case dareLinear = "dare_linear"
        /// DARE's dropped task vectors combined as TIES combines trimmed ones.
        case dareTies = "dare_ties"
        /// Spherical interpolation between the base and one other model at `t`.
        case slerp
        /// Model Stock: per tensor, t·mean(θᵢ) + (1 − t)·θ0 with t from the task vectors' mean cosine.
        case modelStock = "model_stock"

        /// Whether the method needs a base model θ0.
        public var needsBase: Bool { self != .linear }
    }

    /// A method's parameters for one tensor.
    public struct Parameters: Sendable, Equatable {
        /// wᵢ, one per ingredient (linear, task arithmetic, TIES, DARE).
        public var weights: [Double]
        /// The fraction of each task vector kept, one per ingredient (TIES, DARE).
        public var densities: [Double]
        /// Divide by the sum of the weights (of the agreeing weights, for TIES).
        public var normalize: Bool
        /// λ, the factor applied to the combined task vector.
        public var scale: Double
        /// The interpolation parameter of SLERP: 0 gives the base.
        public var t: Double
        /// TIES, DARE: how each thinned task vector is scaled back: by default by 1/density for DARE
        /// (the DARE paper's), not at all for TIES (as mergekit 0.1.5).
        public var rescale: Rescale

        /// Parameters for `ingredientCount` ingredients: weights and densities 1, `normalize` at
        /// `method`'s default in mergekit 0.1.5, `rescale` 1/density for DARE (mergekit 0.1.5 rescales
        /// to the L1 norm: `rescale: true`) and none for TIES, λ = 1, t = 0.5.
        public init(method: Method, ingredientCount: Int) {
            weights = Array(repeating: 1, count: ingredientCount)
            densities = Array(repeating: 1, count: ingredientCount)
            normalize = method == .linear || method == .ties
            scale = 1
            t = 0.5
            rescale = method == .dareLinear || method == .dareTies ? .density : .none
        }
    }

    /// How TIES and DARE scale a thinned task vector δ·m back (`rescale` in a configuration).
    public enum Rescale: Sendable, Equatable {
        /// Not at all (`rescale: false`).
        case none
        /// By ‖δ‖₁/‖δ·m‖₁, to the L1 norm it had before thinning: mergekit 0.1's `rescale: true`,
        /// exact per tensor, at the cost of a pass over the tensor for the two norms.
        case l1Norm
        /// By 1/density wherever 0 < density < 1 (the density given, not the kept fraction drawn):
        /// the DARE paper's rescale, as mergekit's DARE did before 0.1, right in expectation and
        /// needing no pass. DARE's default; `rescale: density` (Tureen's word) asks for it elsewhere.
        case density
    }

    public var method: Method
    /// The parameters of every tensor not named in `tensorParameters`.
    public var parameters: Parameters
    /// Parameters for single tensors, by name.
    public var tensorParameters: [String: Parameters] = [:]
    /// The seed of DARE's random masks.
    public var seed: UInt64 = 0

    /// A recipe applying `parameters` to every tensor.
    public init(method: Method, parameters: Parameters) {
        self.method = method
        self.parameters = parameters
    }

    /// The parameters of tensor `name`.
    public func parameters(forTensor name: String) -> Parameters {
        tensorParameters[name] ?? parameters
    }
}
