extension SoupPlan {
    /// Checks recipes meant for single tensors (`SoupProducer.tensorRecipes`): each names a merged
    /// tensor of the plan, has one weight per ingredient, and is base-relative exactly when
    /// `recipe` (the soup's own) is.
    ///
    /// - Throws: `TensorRecipeError` naming the tensor.
    public func check(tensorRecipes: [String: SoupRecipe], recipe: SoupRecipe) throws {
        let merged = Set(entries.filter(\.isMerged).map(\.output.name))
        let ingredientCount = entries.first?.inputs.count ?? 0
        for (name, tensorRecipe) in tensorRecipes.sorted(by: { $0.key < $1.key }) {
            guard merged.contains(name) else {
                throw TensorRecipeError.notAMergedTensor(tensor: name)
            }
            guard tensorRecipe.weights.count == ingredientCount else {
                throw TensorRecipeError.weightCount(tensor: name, weights: tensorRecipe.weights.count, ingredients: ingredientCount)
            }
            guard (tensorRecipe.baseRelative == nil) == (recipe.baseRelative == nil) else {
                throw TensorRecipeError.baseRelativeMismatch(tensor: name, soupIsBaseRelative: recipe.baseRelative != nil)
            }
        }
    }
}
