import Tureen

/// `tureen soup weighted --weights-file`: the recipes of a weights file saved by a learned soup.
enum WeightsFileRecipes {
    /// The default recipe and the per-tensor ones, with the soup's normalisation and base.
    ///
    /// Each weight goes to its own ingredient, in whatever order the ingredients are given.
    ///
    /// - Throws: what reading the file throws; `LearnedWeights.FileError.otherIngredients` when the
    ///   file is for other ingredients; `SoupError.invalidWeights` for unusable weights.
    static func load(
        _ path: String, ingredients: [String], normalize: Bool, baseRelative: SoupRecipe.BaseRelative?
    ) throws -> (SoupRecipe, [String: SoupRecipe]) {
        let file = try LearnedWeights.load(from: path).matched(to: ingredients, file: path)
        let recipes = try file.recipes(normalize: normalize, baseRelative: baseRelative)
        return (recipes.default, recipes.tensors)
    }
}
