import Foundation
import Tureen

/// What `tureen soup uniform|weighted` reports when it has finished: a summary line, then notes on
/// skipped tensors, mixed precision and non-finite values; with `--json`, the same as JSON.
struct SoupSummary: CommandOutcome {
    let report: SoupJob.Report
    let ingredients: [String]
    /// The base model's path, for the non-finite counts (a base-relative soup's or a merge's).
    var base: String?
    let output: String
    let seconds: Double
    /// What was done to the models and to each merged tensor.
    var verbs = (models: "souped", tensors: "averaged")

    var summaryLine: String {
        "\(verbs.models) \(counted(ingredients.count, "ingredient")) into \(output) in " + String(format: "%.2f", seconds) + "s: "
            + "\(counted(report.mergedTensors, "tensor")) \(verbs.tensors), \(counted(report.copiedTensors, "integer/bool tensor")) copied, "
            + "\(counted(report.parameters, "parameter")), \(ProgressBar.size(report.outputBytes))"
    }

    /// What a partitioned task wrote; absent without `--partition`.
    var partition: PartitionSummary? { report.partition.map { PartitionSummary($0, output: output) } }

    var notes: [String] {
        var lines: [String] = []
        if !report.skipped.isEmpty {
            lines.append("skipped \(counted(report.skipped.count, "tensor")) missing from some ingredients:")
            lines += report.skipped.map { "  \($0.name): missing from \($0.missingFrom.joined(separator: ", "))" }
        }
        for mixed in report.mixedPrecision {
            let input = mixed.ingredient.map { ingredients[$0] } ?? InputNames(ingredients: ingredients, base: base).theBase
            lines.append("\(counted(mixed.tensorCount, "tensor")) stored as \(mixed.storedAs) in \(input) \(mixed.tensorCount == 1 ? "was" : "were") read as such; "
                + outputRule(firstIngredientStoresAs: mixed.firstIngredientStoresAs))
        }
        if report.nonFinite.isZero {
            lines.append("no NaN or Inf in any ingredient or in the result")
        } else {
            let perIngredient = zip(ingredients, report.nonFinite.perIngredient).map { "\($0.0): \($0.1)" }
            lines.append("non-finite values (NaN/Inf): " + perIngredient.joined(separator: ", ")
                + (report.nonFinite.base > 0 ? ", base\(base.map { " \($0)" } ?? ""): \(report.nonFinite.base)" : "") + ", result: \(report.nonFinite.result)")
        }
        if let partition { lines.append(partition.note) }
        return lines
    }

    /// How the output dtype was chosen, for the mixed-precision lines.
    private func outputRule(firstIngredientStoresAs reference: DType) -> String {
        switch report.outputDType {
        case .firstIngredient: return "output \(reference) as in \(ingredients[0])"
        case let .fixed(dtype): return "output \(dtype) (--dtype)"
        case .widest: return "output in the widest dtype of each tensor (--dtype widest)"
        }
    }

    private func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}

extension SoupSummary: Encodable {
    private enum CodingKeys: String, CodingKey {
        case output, ingredients, seconds, mergedTensors, copiedTensors, parameters, outputBytes, skipped, nonFinite, partition
    }

    private struct Skipped: Encodable {
        let name: String
        let missingFrom: [String]
    }

    private struct NonFinite: Encodable {
        let perIngredient: [Int]
        let base: Int
        let result: Int
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(output, forKey: .output)
        try container.encode(ingredients, forKey: .ingredients)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(report.mergedTensors, forKey: .mergedTensors)
        try container.encode(report.copiedTensors, forKey: .copiedTensors)
        try container.encode(report.parameters, forKey: .parameters)
        try container.encode(report.outputBytes, forKey: .outputBytes)
        try container.encode(report.skipped.map { Skipped(name: $0.name, missingFrom: $0.missingFrom) }, forKey: .skipped)
        let counts = report.nonFinite
        try container.encode(NonFinite(perIngredient: counts.perIngredient, base: counts.base, result: counts.result), forKey: .nonFinite)
        try container.encodeIfPresent(partition, forKey: .partition)
    }
}
