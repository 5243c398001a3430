/// Why a greedy soup stopped. Scores already computed stay in the journal for a resumed run.
public enum GreedySoupError: Error, CustomStringConvertible {
    /// Scoring a checkpoint failed; `candidate` names it (an ingredient, or a candidate soup and
    /// its ingredients); the scores computed so far are in `journal`.
    case evaluationFailed(candidate: String, journal: String, underlying: any Error)
    /// No ingredient scores at least the threshold.
    case noIngredientMeetsThreshold(threshold: Double, best: Double, minimize: Bool)
    /// The precomputed scores lack some ingredients.
    case missingScores(file: String, ingredients: [String])
    /// The precomputed scores file cannot be read.
    case unreadableScores(file: String, reason: String)

    public var description: String {
        switch self {
        case let .evaluationFailed(candidate, journal, underlying):
            return "scoring \(candidate) failed: \(underlying)\nthe scores computed so far are kept in \(journal)"
        case let .noIngredientMeetsThreshold(threshold, best, minimize):
            return "no ingredient scores \(minimize ? "at most" : "at least") \(threshold); the best scores \(best)"
        case let .missingScores(file, ingredients):
            return "\(file): no score for \(ingredients.joined(separator: ", ")); give one for every ingredient, keyed by its path"
        case let .unreadableScores(file, reason):
            return "\(file): cannot read the scores: \(reason); expected a JSON object mapping each ingredient's path to its score"
        }
    }
}
