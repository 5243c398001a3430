/// What a soup computes, as a value: a weighted mean of the ingredients, optionally relative to a
/// base model (θ = θ0 + λ·Σ wᵢ(θᵢ − θ0), task arithmetic; WiSE-FT is one ingredient with λ = α).
///
/// A recipe says nothing about how the work is done; `SoupProducer` executes any recipe.
public struct SoupRecipe: Sendable, Equatable {
    /// The base model and scale of a base-relative soup.
    public struct BaseRelative: Sendable, Equatable {
        /// λ, the factor applied to the weighted sum of differences from the base.
        public var scale: Double

        /// A base-relative soup with scale `scale`.
        public init(scale: Double) {
            self.scale = scale
        }
    }

    /// The weight of each ingredient, in ingredient order, as given (1 each for a uniform soup).
    public let weights: [Double]
    /// What the weighted sum is divided by: the sum of the weights when normalising, else 1.
    /// Dividing once at the end (rather than scaling each weight) keeps a uniform soup's sum exact,
    /// so its result is the correctly rounded mean.
    public let divisor: Double
    /// Set for base-relative soups; the base model is then passed to the executor beside the ingredients.
    public let baseRelative: BaseRelative?

    /// The plain mean of `count` ingredients (the paper's uniform soup).
    ///
    /// - Throws: `SoupError.noIngredients` when `count` is 0.
    public static func uniform(count: Int, baseRelative: BaseRelative? = nil) throws -> SoupRecipe {
        guard count > 0 else { throw SoupError.noIngredients }
        return try SoupRecipe(weights: Array(repeating: 1, count: count), divisor: Double(count), baseRelative: baseRelative)
    }

    /// A weighted mean: weights divided by their sum when `normalize` is set, used as given otherwise.
    ///
    /// - Throws: `SoupError.invalidWeights` for non-finite weights, a zero sum where the result would
    ///   be meaningless (normalising, or a soup that is not base-relative; normalising, also a sum
    ///   that is zero but for rounding, `cancels(sum:of:)`), or `.noIngredients`.
    public static func weighted(_ weights: [Double], normalize: Bool = true, baseRelative: BaseRelative? = nil) throws -> SoupRecipe {
        guard !weights.isEmpty else { throw SoupError.noIngredients }
        let sum = weights.reduce(0, +)
        if normalize {
            guard !cancels(sum: sum, of: weights) else {
                throw SoupError.invalidWeights(.weightsSumToZero(normalizing: true, baseRelative: baseRelative != nil))
            }
            let scaled = scaledToUnitRange(weights, sum: sum)
            return try SoupRecipe(weights: scaled.weights, divisor: scaled.sum, baseRelative: baseRelative)
        }
        return try SoupRecipe(weights: weights, baseRelative: baseRelative)
    }

    /// Whether finite `weights` sum to zero or to a rounding error of it (|Σ wᵢ| ≤ 10⁻⁸·Σ |wᵢ|:
    /// `0.1, 0.2, -0.3` sum to 5.6·10⁻¹⁷ in binary), which a normalised soup would divide by;
    /// weights that are all small (`1e-9, 1e-9`) do not cancel.
    static func cancels(sum: Double, of weights: [Double]) -> Bool {
        // A sum that overflows (1e308, 1e308) is far from zero.
        guard weights.allSatisfy(\.isFinite), sum.isFinite else { return sum == 0 }
        return sum.magnitude <= 1e-8 * weights.reduce(0) { $0 + $1.magnitude }
    }

    /// The weights and their sum scaled by a power of two (exactly, so the normalised weights are
    /// unchanged) when the sum or its reciprocal would not be a finite normal number: weights such as
    /// `1e-320,0,0` sum to a subnormal whose reciprocal is +Inf, which made every value of the soup
    /// infinite; `1e308,1e308` sum to +Inf.
    static func scaledToUnitRange(_ weights: [Double], sum: Double) -> (weights: [Double], sum: Double) {
        guard !sum.isNormal || !(1 / sum).isFinite, let largest = weights.map(\.magnitude).max(), largest.isFinite, largest > 0 else {
            return (weights, sum)
        }
        let scaled = weights.map { Double(sign: .plus, exponent: -largest.exponent, significand: $0) }
        return (scaled, scaled.reduce(0, +))
    }

    /// A recipe computing Σ wᵢθᵢ / divisor (or its base-relative form).
    ///
    /// - Throws: `SoupError.invalidWeights` if a weight, the divisor or the scale is not finite or the
    ///   divisor is zero, or if the weights sum to zero in a soup that is not base-relative.
    public init(weights: [Double], divisor: Double = 1, baseRelative: BaseRelative? = nil) throws {
        guard !weights.isEmpty else { throw SoupError.noIngredients }
        if let bad = weights.firstIndex(where: { !$0.isFinite }) {
            throw SoupError.invalidWeights(.nonFiniteWeight(position: bad + 1, value: weights[bad]))
        }
        guard divisor.isFinite, divisor != 0 else {
            throw SoupError.invalidWeights(.unusableDivisor(divisor))
        }
        if let baseRelative, !baseRelative.scale.isFinite {
            throw SoupError.invalidWeights(.nonFiniteScale(baseRelative.scale))
        }
        if baseRelative == nil, weights.reduce(0, +) == 0 {
            throw SoupError.invalidWeights(.weightsSumToZero(normalizing: false, baseRelative: false))
        }
        self.weights = weights
        self.divisor = divisor
        self.baseRelative = baseRelative
    }

    /// Σ wᵢθᵢ with the weights as given, which may sum to zero: a combination that is not a mean
    /// (SLERP's two weights).
    ///
    /// - Throws: `SoupError.invalidWeights` for a non-finite weight, `.noIngredients`.
    package init(combining weights: [Double]) throws {
        guard !weights.isEmpty else { throw SoupError.noIngredients }
        if let bad = weights.firstIndex(where: { !$0.isFinite }) {
            throw SoupError.invalidWeights(.nonFiniteWeight(position: bad + 1, value: weights[bad]))
        }
        self.weights = weights
        self.divisor = 1
        self.baseRelative = nil
    }
}
