import TureenCore

/// NaN and ±Inf counts, per ingredient and in the result.
public struct NonFiniteCount: Sendable, Equatable {
    /// Non-finite values in each ingredient, in ingredient order.
    public internal(set) var perIngredient: [Int]
    /// Non-finite values in the base model.
    public internal(set) var base = 0
    /// Non-finite values in the written result.
    public internal(set) var result = 0

    init(ingredientCount: Int) {
        perIngredient = Array(repeating: 0, count: ingredientCount)
    }

    /// Whether anything non-finite was seen.
    public var isZero: Bool { result == 0 && base == 0 && perIngredient.allSatisfy { $0 == 0 } }

    mutating func add(_ other: NonFiniteCount) {
        for index in perIngredient.indices { perIngredient[index] += other.perIngredient[index] }
        base += other.base
        result += other.result
    }
}
