import Foundation
import Tureen

/// The lines `tureen soup` prints when it has finished.
struct SoupSummary {
    let report: SoupJob.Report
    let ingredients: [String]
    let output: String
    let seconds: Double

    var text: String {
        var lines = [
            "souped \(ingredients.count) ingredients into \(output) in " + String(format: "%.2f", seconds) + "s: "
                + "\(counted(report.mergedTensors, "tensor")) averaged, \(counted(report.copiedTensors, "integer/bool tensor")) copied, "
                + "\(counted(report.parameters, "parameter")), \(ProgressBar.size(report.outputBytes))",
        ]
        if !report.skipped.isEmpty {
            lines.append("skipped \(counted(report.skipped.count, "tensor")) missing from some ingredients:")
            lines += report.skipped.map { "  \($0.name): missing from \($0.missingFrom.joined(separator: ", "))" }
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

    private func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
