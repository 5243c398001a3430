/// What a greedy soup did: every ingredient's own score, each step of the search, the kept set
/// and the final score. Encodes to the JSON `tureen soup greedy --json` prints.
public struct GreedySoupReport: Sendable, Codable {
    /// Where a score came from.
    public enum ScoreSource: String, Sendable, Codable {
        /// The evaluator computed it in this run.
        case evaluated
        /// The precomputed scores gave it.
        case precomputed
        /// The journal of an earlier run gave it.
        case journal
    }

    /// An ingredient scored alone.
    public struct Individual: Sendable, Codable {
        /// The ingredient as given.
        public let path: String
        public let score: Double
        public let source: ScoreSource
        /// Left out of the search because its score is below the threshold.
        public let leftOut: Bool
    }

    /// One step of the search: step 0 starts from the best ingredient; each later step tries one
    /// more ingredient.
    public struct Step: Sendable, Codable {
        public let step: Int
        /// The ingredient tried (step 0: the best one).
        public let ingredient: String
        /// Its own score.
        public let ingredientScore: Double
        /// The score of the soup of the kept ingredients and this one (step 0: the ingredient's own).
        public let candidateScore: Double
        /// Whether it joined the soup.
        public let kept: Bool
        /// Where the candidate's score came from.
        public let source: ScoreSource
    }

    /// Every ingredient in the order given.
    public let individuals: [Individual]
    /// The search, step by step.
    public let steps: [Step]
    /// The ingredients of the final soup, in soup order (best first).
    public let kept: [String]
    /// The final soup's score: the last kept candidate's (the soup is not scored again).
    public let finalScore: Double
    /// The best ingredient alone.
    public let bestIndividual: Individual
    /// Calls made to the evaluator in this run.
    public let evaluatorCalls: Int
    /// Whether lower scores were better.
    public let minimize: Bool
    /// The output path.
    public let output: String
}
