import Tureen

/// `tureen soup weighted --weights-file`: the recipes of a weights file saved by a learned soup.
enum WeightsFileRecipes {
    /// The default recipe and the per-tensor ones, with the soup's normalisation and base.
    ///
    /// - Throws: what reading the file throws; `SoupError.weightCountMismatch` when the file is for
    ///   another number of ingredients; `.invalidWeights` for unusable weights.
    static func load(
        _ path: String, ingredients: [String], normalize: Bool, baseRelative: SoupRecipe.BaseRelative?
    ) throws -> (SoupRecipe, [String: SoupRecipe]) {
        let file = try LearnedWeights.load(from: path)
        guard file.ingredients.count == ingredients.count else {
            throw SoupError.weightCountMismatch(weights: file.ingredients.count, ingredients: ingredients.count)
        }
        let recipes = try file.recipes(normalize: normalize, baseRelative: baseRelative)
        return (recipes.default, recipes.tensors)
    }
}
