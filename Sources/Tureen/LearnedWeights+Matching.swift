import TureenCore

extension LearnedWeights {
    /// The weights for the ingredients `given`, in their order: each gets the weight of the listed
    /// ingredient that is the same file (a relative listed path taken from the current folder, or
    /// else from the weights file's folder), or, where neither names a file, has the same path; so
    /// a weights file applies to its own ingredients in any order and however their paths are spelled.
    ///
    /// - Throws: `FileError.otherIngredients` (naming `file`) unless `given` are the listed
    ///   ingredients, each once.
    package func matched(to given: [String], file: String) throws -> LearnedWeights {
        let rowsFit = weights.count == ingredients.count && (tensors ?? [:]).values.allSatisfy { $0.count == ingredients.count }
        // A file whose rows do not fit its own list is refused by `recipes`, naming the row.
        guard rowsFit else { return self }
        var order: [Int] = []
        for path in given {
            let folder = FileSystem.folder(of: file)
            guard let index = ingredients.indices.first(where: { !order.contains($0) && Self.sameIngredient(ingredients[$0], path, besideFileIn: folder) }) else {
                throw FileError.otherIngredients(path: file, listed: ingredients, given: given)
            }
            order.append(index)
        }
        guard order.count == ingredients.count else { throw FileError.otherIngredients(path: file, listed: ingredients, given: given) }
        return LearnedWeights(by: by, ingredients: given, weights: order.map { weights[$0] }, tensors: tensors?.mapValues { row in order.map { row[$0] } })
    }

    private static func sameIngredient(_ listed: String, _ given: String, besideFileIn folder: String) -> Bool {
        guard let other = FileSystem.identity(of: given) else { return listed == given }
        if let one = FileSystem.identity(of: listed) { return one == other }
        return !listed.hasPrefix("/") && FileSystem.identity(of: folder + "/" + listed).map { $0 == other } == true
    }
}
