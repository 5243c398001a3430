/// Why a learned soup stopped. Nothing is left behind: the candidate and gradient files are removed.
public enum LearnedSoupError: Error, CustomStringConvertible {
    /// The gradient evaluator failed at `step` (from 1).
    case evaluationFailed(step: Int, candidate: String, underlying: any Error)
    /// The gradient written at `step` cannot be read or does not match the soup.
    case gradientRejected(step: Int, path: String, underlying: any Error)
    /// The number of steps or the learning rate is not usable.
    case invalidSettings(String)

    public var description: String {
        switch self {
        case let .evaluationFailed(step, candidate, underlying):
            return "step \(step): evaluating \(candidate) failed: \(underlying)"
        case let .gradientRejected(step, path, underlying):
            return "step \(step): the gradient written to \(path) cannot be used: \(underlying)"
        case let .invalidSettings(reason):
            return reason
        }
    }
}
