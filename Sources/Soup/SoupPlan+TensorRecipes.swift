extension SoupPlan {
    /// Checks recipes meant for single tensors (`SoupProducer.tensorRecipes`): each names a merged
    /// tensor of the plan, has one weight per ingredient, and is base-relative exactly when
    /// `recipe` (the soup's own) is.
    ///
    /// - Throws: `SoupError.invalidWeights` naming the tensor.
    public func check(tensorRecipes: [String: SoupRecipe], recipe: SoupRecipe) throws {
        let merged = Set(entries.filter(\.isMerged).map(\.output.name))
        let ingredientCount = entries.first?.inputs.count ?? 0
        for (name, tensorRecipe) in tensorRecipes.sorted(by: { $0.key < $1.key }) {
            guard merged.contains(name) else {
                throw SoupError.invalidWeights("weights are given for tensor '\(name)', which is not a floating-point tensor of the soup")
            }
            guard tensorRecipe.weights.count == ingredientCount else {
                throw SoupError.invalidWeights("tensor '\(name)' has \(tensorRecipe.weights.count) weights for \(ingredientCount) ingredients")
            }
            guard (tensorRecipe.baseRelative == nil) == (recipe.baseRelative == nil) else {
                throw SoupError.invalidWeights("tensor '\(name)' is given a recipe that is \(tensorRecipe.baseRelative == nil ? "not " : "")base-relative in a soup that is\(recipe.baseRelative == nil ? " not" : "")")
            }
        }
    }
}
