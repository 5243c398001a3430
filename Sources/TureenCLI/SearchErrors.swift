import ArgumentParser
import Foundation
import Tureen

/// Runs a search soup's body like `reportingErrors`, adding hints that name the flags which
/// address the failure, and saying where the journal is kept.
func reportingSearchErrors(scratch: String?, output: String, journal: String?, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        var message = "tureen: error: \(error)"
        if let hint = hint(for: error) { message += "\nhint: " + hint }
        if let journal, case GreedySoupError.evaluationFailed = error {
            var folder = scratch ?? output
            while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
            let path = (scratch ?? folder + ".scratch") + "/" + journal
            message += "\nthe scores computed so far are in \(path); run the same command with --resume to continue"
        }
        printToStandardError(message)
        throw ExitCode(1)
    }
}

/// A hint naming the flag that addresses `error`, if one does.
private func hint(for error: Error) -> String? {
    switch error {
    case let GreedySoupError.evaluationFailed(_, underlying): return hint(for: underlying)
    case let LearnedSoupError.evaluationFailed(_, _, underlying): return hint(for: underlying)
    case let EvaluatorError.timedOut(_, seconds, _):
        return "the limit was --eval-timeout " + String(format: "%g", seconds) + "; raise it if the command needs longer"
    case EvaluatorError.cannotStart:
        return "without --shell the command runs directly (no pipes, variables or redirections); pass --shell for shell syntax"
    case GreedySoupError.noIngredientMeetsThreshold:
        return "lower --min-score (or drop it)"
    case LearnedSoupError.gradientRejected:
        return "the gradient file's format follows --grad-format (default safetensors); write one tensor per floating-point tensor, with its name and shape"
    default:
        return nil
    }
}

/// Refuses a side output (plot, weights) that exists without --force or names an input, before
/// any work is done.
func checkSideOutput(_ path: String?, force: Bool, inputs: [String]) throws {
    guard let path else { return }
    try OutputPolicy.check(output: path, inputs: inputs, force: force)
}

/// Writes `text` to `path` atomically (a temporary file renamed into place).
func writeText(_ text: String, to path: String) throws {
    let file = try OutputFile(destination: path)
    try file.write(Array(text.utf8))
    try file.commit()
}
