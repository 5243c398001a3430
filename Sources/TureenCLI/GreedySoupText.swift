import Foundation
import Tureen

/// The lines `tureen soup greedy` prints: one per ingredient scored, one per step, a summary.
struct GreedySoupText {
    let minimize: Bool

    func line(for event: GreedySoupEvent) -> String {
        switch event {
        case let .individual(individual):
            return "scored \(individual.path): \(score(individual.score))\(note(individual.source))\(individual.leftOut ? " (\(minimize ? "above" : "below") --min-score: left out)" : "")"
        case let .step(step) where step.step == 0:
            return "step 0: start from \(step.ingredient) (\(score(step.ingredientScore)))"
        case let .step(step):
            return "step \(step.step): + \(step.ingredient) (alone \(score(step.ingredientScore))) -> soup \(score(step.candidateScore))\(note(step.source)): \(step.kept ? "kept" : "rejected")"
        }
    }

    func summary(_ report: GreedySoupReport, seconds: Double) -> String {
        let kept = report.kept.count == 1 ? "1 ingredient" : "\(report.kept.count) ingredients"
        let change = report.finalScore - report.bestIndividual.score
        return "greedy soup of \(kept) (\(report.kept.joined(separator: ", "))): score \(score(report.finalScore)), "
            + "best individual \(score(report.bestIndividual.score)) (\(report.bestIndividual.path)), difference \(String(format: "%+.6g", change)); "
            + "\(report.evaluatorCalls) evaluator call\(report.evaluatorCalls == 1 ? "" : "s"); written to \(report.output) in " + String(format: "%.2f", seconds) + "s"
    }

    private func score(_ value: Double) -> String {
        String(format: "%.6g", value)
    }

    private func note(_ source: GreedySoupReport.ScoreSource) -> String {
        switch source {
        case .evaluated: return ""
        case .precomputed: return " (from --scores)"
        case .journal: return " (from the journal)"
        }
    }
}
