import Foundation
import Tureen

/// What `tureen diff` prints: per-tensor and whole-model distances for two inputs, pairwise
/// matrices for more, as text or JSON.
struct DiffReport: Encodable {
    struct Metrics: Encodable {
        var name: String?
        let l2Distance: Double
        let maxAbsDifference: Double
        let relativeChange: Double?
        let cosineFromBase: Double?
        let angleFromBaseDegrees: Double?

        init(_ metrics: DistanceMetrics, name: String? = nil) {
            self.name = name
            l2Distance = metrics.l2Distance
            maxAbsDifference = metrics.maxAbsoluteDifference
            relativeChange = metrics.relativeChange
            cosineFromBase = metrics.cosineFromBase
            angleFromBaseDegrees = metrics.angleFromBaseDegrees
        }
    }

    struct Pair: Encodable {
        let a: String
        let b: String
        let total: Metrics
        let tensors: [Metrics]
    }

    let inputs: [String]
    let base: String?
    let norms: [Double]
    let pairs: [Pair]
    let skippedTensors: [String]
    let renames: [String]
    private let distance: ModelDistance

    private enum CodingKeys: String, CodingKey {
        case inputs, base, norms, pairs, skippedTensors, renames
    }

    init(distance: ModelDistance, renames: [ArchitectureComparison.RenameGroup]) {
        self.distance = distance
        inputs = distance.labels
        base = distance.baseLabel
        norms = distance.norms
        pairs = distance.pairs.enumerated().map { index, pair in
            Pair(a: distance.labels[pair.first], b: distance.labels[pair.second], total: Metrics(distance.total[index]),
                 tensors: distance.tensorNames.indices.map { Metrics(distance.perTensor[$0][index], name: distance.tensorNames[$0]) })
        }
        skippedTensors = distance.skippedTensorNames
        self.renames = renames.map { "\($0.input): \($0.line)" }
    }

    func text() -> String {
        var sections = [inputs.count == 2 ? pairTable() : matrices()]
        if !skippedTensors.isEmpty {
            sections.append("skipped (integer or bool): " + NumberedNameGrouping.patterns(skippedTensors).joined(separator: ", "))
        }
        if !renames.isEmpty {
            sections.append("names normalised:\n" + renames.map { "  " + $0 }.joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n")
    }

    private var hasBase: Bool { base != nil }

    private func pairTable() -> String {
        let pair = pairs[0]
        var header = ["tensor", "L2 distance", "max |A-B|", "|A-B|/|A|"]
        if hasBase { header += ["cos(A-0, B-0)", "angle"] }
        let rows = pair.tensors.map { row($0.name ?? "", $0) } + [row("whole model", pair.total)]
        let title = "A = \(pair.a)\nB = \(pair.b)" + (base.map { "\n0 = \($0) (base)" } ?? "")
        return title + "\n\n" + TextTable(header: header, rows: rows, rightAligned: 1..<header.count).text
    }

    private func row(_ name: String, _ metrics: Metrics) -> [String] {
        var cells = [name, Self.number(metrics.l2Distance), Self.number(metrics.maxAbsDifference), Self.number(metrics.relativeChange)]
        if hasBase { cells += [Self.number(metrics.cosineFromBase), metrics.angleFromBaseDegrees.map { String(format: "%.2f°", $0) } ?? "-"] }
        return cells
    }

    private func matrices() -> String {
        var lines = inputs.enumerated().map { "[\($0.offset + 1)] \($0.element)" }
        if let base { lines.append("[0] \(base) (base)") }
        lines.append("")
        lines.append(matrix("L2 distance ‖θi − θj‖") { distance.total(between: $0, and: $1)?.l2Distance })
        lines.append(matrix("relative change ‖θi − θj‖ / ‖θi‖ (row i)") { distance.total(between: $0, and: $1)?.relativeChange })
        if hasBase {
            lines.append(matrix("cosine of the angle between (θi − θ0) and (θj − θ0)") { distance.total(between: $0, and: $1)?.cosineFromBase })
        }
        lines.append("per-tensor figures: --json")
        return lines.joined(separator: "\n")
    }

    private func matrix(_ title: String, _ value: (Int, Int) -> Double?) -> String {
        let header = [""] + inputs.indices.map { "[\($0 + 1)]" }
        let rows = inputs.indices.map { i in ["[\(i + 1)]"] + inputs.indices.map { j in i == j ? "-" : Self.number(value(i, j)) } }
        return title + "\n" + TextTable(header: header, rows: rows, rightAligned: 1..<header.count).text + "\n"
    }

    private static func number(_ value: Double?) -> String {
        value.map { String(format: "%.6g", $0) } ?? "-"
    }
}
