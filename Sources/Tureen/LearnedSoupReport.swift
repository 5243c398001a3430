/// What a learned soup did: the loss and the weights' entropy at every step, and the learned
/// weights. Encodes to the JSON `tureen soup learned --json` prints.
public struct LearnedSoupReport: Sendable, Codable {
    /// One gradient step.
    public struct Step: Sendable, Codable {
        /// The step, from 1.
        public let step: Int
        /// The loss of the soup the step started from.
        public let loss: Double
        /// The mean entropy (nats) of that soup's weights: ln n for the uniform soup.
        public let entropy: Double
    }

    /// Every step, in order.
    public let steps: [Step]
    /// The learned weights, as saved with `--weights-out`; the output is the soup they make.
    public let weights: LearnedWeights
    /// The mean entropy of the learned weights.
    public let finalEntropy: Double
    /// The output path.
    public let output: String
}
