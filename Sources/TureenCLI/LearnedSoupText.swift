import Foundation
import Tureen

/// The summary `tureen soup learned` prints: the learned weights and how to reproduce the soup.
enum LearnedSoupText {
    static func summary(_ report: LearnedSoupReport, seconds: Double) -> String {
        let weights = report.weights
        var lines = ["learned soup of \(weights.ingredients.count) ingredients (by \(weights.by.rawValue)), \(report.steps.count) steps; written to \(report.output) in " + String(format: "%.2f", seconds) + "s"]
        let list = weights.weights.map { "\($0)" }.joined(separator: ",")
        switch weights.by {
        case .model:
            lines.append("weights: " + zip(weights.ingredients, weights.weights).map { "\($0.0) \(String(format: "%.4f", $0.1))" }.joined(separator: ", "))
            lines.append("reproduce with: tureen soup weighted \(weights.ingredients.joined(separator: " ")) --weights \(list) -o OUT")
        case .tensor:
            lines.append("mean weights over \(weights.tensors?.count ?? 0) tensors: " + zip(weights.ingredients, weights.weights).map { "\($0.0) \(String(format: "%.4f", $0.1))" }.joined(separator: ", "))
            lines.append("per-tensor weights are in the report (--json) and --weights-out; reproduce with: tureen soup weighted \(weights.ingredients.joined(separator: " ")) --weights-file WEIGHTS.json -o OUT")
        }
        lines.append("weights' entropy: " + String(format: "%.4f", report.steps.first?.entropy ?? 0) + " nats at the start, " + String(format: "%.4f", report.finalEntropy) + " at the end")
        return lines.joined(separator: "\n")
    }
}
