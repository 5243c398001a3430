#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The learned soup's parameters: mixing logits α, one row per group of tensors (one row for the
/// whole model, or one per tensor), each turned into weights by a softmax, and updated by Adam.
/// Starts at α = 0: the uniform soup.
package struct SoftmaxMixing: Sendable {
    /// The logits, one row per group, one column per ingredient.
    package private(set) var logits: [[Double]]
    private var adam: AdamState

    /// Uniform mixing of `ingredients` ingredients in `groups` groups.
    package init(groups: Int, ingredients: Int, learningRate: Double) {
        logits = Array(repeating: Array(repeating: 0, count: ingredients), count: groups)
        adam = AdamState(shape: (groups, ingredients), learningRate: learningRate)
    }

    /// The weights of each group: softmax of its logits (they sum to 1 up to rounding).
    package var weights: [[Double]] { logits.map(Self.softmax) }

    /// The mean over groups of the weights' entropy, in nats: ln n for uniform weights, 0 when
    /// one ingredient takes everything.
    package var meanEntropy: Double {
        let entropies = weights.map { row in -row.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) } }
        return entropies.reduce(0, +) / Double(max(1, entropies.count))
    }

    /// One Adam step, given dᵢ = ⟨∂loss/∂θ, θᵢ − θ⟩ for each group: ∂loss/∂αᵢ = wᵢ·dᵢ.
    package mutating func step(derivatives: [[Double]]) {
        let weights = weights
        let gradient = zip(weights, derivatives).map { row, d in zip(row, d).map { $0 * $1 } }
        adam.update(&logits, gradient: gradient)
    }

    /// softmax(x)ᵢ = exp(xᵢ − max x) / Σⱼ exp(xⱼ − max x).
    package static func softmax(_ logits: [Double]) -> [Double] {
        let top = logits.max() ?? 0
        let exponentials = logits.map { exp($0 - top) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { $0 / sum }
    }
}

/// Adam (Kingma & Ba) with its usual constants: β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸.
struct AdamState: Sendable {
    let learningRate: Double
    let beta1 = 0.9
    let beta2 = 0.999
    let epsilon = 1e-8
    private var firstMoment: [[Double]]
    private var secondMoment: [[Double]]
    private var steps = 0

    init(shape: (rows: Int, columns: Int), learningRate: Double) {
        self.learningRate = learningRate
        firstMoment = Array(repeating: Array(repeating: 0, count: shape.columns), count: shape.rows)
        secondMoment = firstMoment
    }

    /// Moves `parameters` one step against `gradient`.
    mutating func update(_ parameters: inout [[Double]], gradient: [[Double]]) {
        steps += 1
        let correction1 = 1 - pow(beta1, Double(steps))
        let correction2 = 1 - pow(beta2, Double(steps))
        for row in parameters.indices {
            for column in parameters[row].indices {
                let g = gradient[row][column]
                firstMoment[row][column] = beta1 * firstMoment[row][column] + (1 - beta1) * g
                secondMoment[row][column] = beta2 * secondMoment[row][column] + (1 - beta2) * g * g
                let m = firstMoment[row][column] / correction1
                let v = secondMoment[row][column] / correction2
                parameters[row][column] -= learningRate * m / (v.squareRoot() + epsilon)
            }
        }
    }
}
