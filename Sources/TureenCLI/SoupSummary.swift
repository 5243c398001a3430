import Foundation
import Tureen

/// The lines `tureen soup` prints when it has finished.
struct SoupSummary {
    let report: SoupJob.Report
    let ingredients: [String]
    let output: String
    let seconds: Double
    /// What was done to the models and to each merged tensor.
    var verbs = (models: "souped", tensors: "averaged")

    var text: String {
        var lines = [
            "\(verbs.models) \(ingredients.count) ingredients into \(output) in " + String(format: "%.2f", seconds) + "s: "
                + "\(counted(report.mergedTensors, "tensor")) \(verbs.tensors), \(counted(report.copiedTensors, "integer/bool tensor")) copied, "
                + "\(counted(report.parameters, "parameter")), \(ProgressBar.size(report.outputBytes))",
        ]
        if !report.skipped.isEmpty {
            lines.append("skipped \(counted(report.skipped.count, "tensor")) missing from some ingredients:")
            lines += report.skipped.map { "  \($0.name): missing from \($0.missingFrom.joined(separator: ", "))" }
        }
        for mixed in report.mixedPrecision {
            let input = mixed.ingredient.map { "ingredient \($0 + 1)" } ?? "the base"
            lines.append("\(counted(mixed.tensorCount, "tensor")) stored as \(mixed.storedAs) in \(input) \(mixed.tensorCount == 1 ? "was" : "were") read as such; "
                + outputRule(firstIngredientStoresAs: mixed.firstIngredientStoresAs))
        }
        if report.nonFinite.isZero {
            lines.append("no NaN or Inf in any ingredient or in the result")
        } else {
            let perIngredient = zip(ingredients, report.nonFinite.perIngredient).map { "\($0.0): \($0.1)" }
            lines.append("non-finite values (NaN/Inf): " + perIngredient.joined(separator: ", ")
                + (report.nonFinite.base > 0 ? ", base: \(report.nonFinite.base)" : "") + ", result: \(report.nonFinite.result)")
        }
        return lines.joined(separator: "\n")
    }

    /// How the output dtype was chosen, for the mixed-precision lines.
    private func outputRule(firstIngredientStoresAs reference: DType) -> String {
        switch report.outputDType {
        case .firstIngredient: return "output \(reference) as in ingredient 1"
        case let .fixed(dtype): return "output \(dtype) (--dtype)"
        case .widest: return "output in the widest dtype of each tensor (--dtype widest)"
        }
    }

    private func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
