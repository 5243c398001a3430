import TureenCore

extension LearnedWeights {
    /// The weights for the ingredients `given`, in their order: each gets the weight of the listed
    /// ingredient that is the same file (or, where either path names nothing, the same path), so a
    /// weights file applies to its own ingredients in any order and however their paths are spelled.
    ///
    /// - Throws: `FileError.otherIngredients` (naming `file`) unless `given` are the listed
    ///   ingredients, each once.
    public func matched(to given: [String], file: String) throws -> LearnedWeights {
        let rowsFit = weights.count == ingredients.count && (tensors ?? [:]).values.allSatisfy { $0.count == ingredients.count }
        // A file whose rows do not fit its own list is refused by `recipes`, naming the row.
        guard rowsFit else { return self }
        var order: [Int] = []
        for path in given {
            guard let index = ingredients.indices.first(where: { !order.contains($0) && Self.sameIngredient(ingredients[$0], path) }) else {
                throw FileError.otherIngredients(path: file, listed: ingredients, given: given)
            }
            order.append(index)
        }
        guard order.count == ingredients.count else { throw FileError.otherIngredients(path: file, listed: ingredients, given: given) }
        return LearnedWeights(by: by, ingredients: given, weights: order.map { weights[$0] }, tensors: tensors?.mapValues { row in order.map { row[$0] } })
    }

    private static func sameIngredient(_ listed: String, _ given: String) -> Bool {
        if let one = FileSystem.identity(of: listed), let other = FileSystem.identity(of: given) { return one == other }
        return listed == given
    }
}
