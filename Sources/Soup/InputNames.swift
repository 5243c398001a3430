/// How messages name a soup's inputs: by file when the caller knows the paths, else by position.
public struct InputNames: Sendable, Equatable {
    /// Each ingredient's name, in plan order.
    public let ingredients: [String]
    /// The base's name; nil when there is no base or it has no name of its own.
    public let base: String?

    /// Names the ingredients (in plan order) and the base.
    public init(ingredients: [String], base: String? = nil) {
        self.ingredients = ingredients
        self.base = base
    }

    /// "ingredient 1", "ingredient 2", … for `count` ingredients, and an unnamed base.
    public static func positional(count: Int) -> InputNames {
        InputNames(ingredients: (0..<count).map { "ingredient \($0 + 1)" })
    }

    /// The words for the base: "the base PATH", or "the base".
    public var theBase: String { base.map { "the base \($0)" } ?? "the base" }
}
