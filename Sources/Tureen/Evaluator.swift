/// Scores a checkpoint: an ingredient of a greedy soup, or a candidate soup written to a file.
///
/// The CLI's `--eval` command is one evaluator (`CommandEvaluator`); a Swift program can score in
/// process with its own.
public protocol Evaluator: Sendable {
    /// The score of the checkpoint at `path`: higher is better unless the job minimises.
    ///
    /// - Throws: any error; the job stops and reports it with the candidate's name.
    func score(checkpointAt path: String) throws -> Double

    /// Identifies the evaluator in score journals: it must change whenever scores would (the
    /// command line, for `CommandEvaluator`). The type's name by default.
    var journalIdentity: String { get }
}

extension Evaluator {
    public var journalIdentity: String { String(reflecting: Self.self) }
}

/// Gives the loss of a checkpoint and its gradient with respect to the floating-point tensors,
/// for a learned soup.
public protocol GradientEvaluator: Sendable {
    /// The loss of the checkpoint at `path`, having written ∂loss/∂θ to `gradientPath`: a
    /// checkpoint in the format of that path's extension, holding every floating-point tensor's
    /// gradient under the tensor's name and shape (integer tensors need none).
    ///
    /// - Throws: any error; the job stops and reports it with the step.
    func lossAndGradient(checkpointAt path: String, gradientPath: String) throws -> Double
}
