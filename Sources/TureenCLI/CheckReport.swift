import Foundation
import Tureen

/// What `tureen check` prints: the architecture verdicts, grouped differences, renames and the
/// optional scan, as text or JSON.
struct CheckReport: Encodable {
    struct Input: Encodable {
        let path: String
        let format: String
        let tensors: Int
        let renames: [Rename]
    }

    struct Rename: Encodable {
        let from: String
        let to: String
        let rules: [String]
    }

    struct Comparison: Encodable {
        let inputs: [String]
        let compatible: Bool
        /// Same architecture, but some float tensors stored in different dtypes.
        let storedInDifferentPrecisions: Bool
        let differences: [Difference]
        let groups: [Group]
    }

    struct Difference: Encodable {
        let kind: String
        let name: String
        let blocking: Bool
        let detail: String
        var missingFrom: [String]?
        var shapes: [[Int]?]?
        var dtypes: [String?]?
        var values: [String?]?
    }

    struct Group: Encodable {
        let kind: String
        let patterns: [String]
        let detail: String
        let count: Int
        let blocking: Bool
    }

    struct Scan: Encodable {
        let path: String
        let tensors: [ScannedTensor]
    }

    let compatible: Bool
    let base: String?
    let inputs: [Input]
    let comparisons: [Comparison]
    let scans: [Scan]?
    private let reports: [String]
    private let scanTables: [String]

    private enum CodingKeys: String, CodingKey {
        case compatible, base, inputs, comparisons, scans
    }

    init(inputs: [ComparedInput], base: ComparedInput?, comparisons: [ArchitectureComparison], scans: [(ComparedInput, [TensorScan])]) {
        compatible = comparisons.allSatisfy(\.isCompatible)
        self.base = base?.label
        self.inputs = inputs.map { input in
            Input(path: input.label, format: input.store.formatName.rawValue, tensors: input.store.tensors.count,
                  renames: input.renames.map { Rename(from: $0.original, to: $0.normalized, rules: $0.rules.map(\.rawValue)) })
        }
        self.comparisons = comparisons.map(Self.comparison)
        self.scans = scans.isEmpty ? nil : scans.map { Scan(path: $0.0.label, tensors: $0.1.map(ScannedTensor.init)) }
        reports = inputs.count > 1 ? comparisons.map { $0.report(omittedGroupsNote: "--json lists every difference") } : []
        scanTables = self.scans?.map(Self.table) ?? []
    }

    func text() -> String {
        (reports + scanTables).joined(separator: "\n\n")
    }

    private static func comparison(_ comparison: ArchitectureComparison) -> Comparison {
        let labels = comparison.labels
        let differences = comparison.differences.map { difference -> Difference in
            var entry = Difference(kind: difference.kind.rawValue, name: difference.name,
                                   blocking: comparison.breaksCompatibility(difference), detail: difference.detail(labels: labels))
            switch difference {
            case let .missing(_, missingFrom): entry.missingFrom = missingFrom.map { labels[$0] }
            case let .shape(_, shapes): entry.shapes = shapes
            case let .dtype(_, dtypes): entry.dtypes = dtypes.map { $0?.rawValue }
            case let .metadata(_, values): entry.values = values
            }
            return entry
        }
        let groups = comparison.groupedDifferences().map {
            Group(kind: $0.kind.rawValue, patterns: $0.patterns, detail: $0.detail, count: $0.count, blocking: $0.isBlocking)
        }
        return Comparison(inputs: labels, compatible: comparison.isCompatible,
                          storedInDifferentPrecisions: comparison.storedInDifferentPrecisions, differences: differences, groups: groups)
    }

    private static func table(_ scan: Scan) -> String {
        let header = ["tensor", "dtype", "shape", "min", "max", "mean", "std", "nan", "inf", ""]
        let rows = scan.tensors.map { tensor -> [String] in
            var flags: [String] = []
            if tensor.allZero { flags.append("ALL ZERO") }
            if tensor.nan + tensor.posInf + tensor.negInf > 0 { flags.append("NON-FINITE") }
            return [tensor.name, tensor.dtype, "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]",
                    number(tensor.min), number(tensor.max), number(tensor.mean), number(tensor.std),
                    String(tensor.nan), String(tensor.posInf + tensor.negInf), flags.joined(separator: ", ")]
        }
        let zero = scan.tensors.filter(\.allZero).count
        let nonFinite = scan.tensors.filter { $0.nan + $0.posInf + $0.negInf > 0 }.count
        return "scan of \(scan.path): \(scan.tensors.count) tensors, \(zero) all zero, \(nonFinite) with NaN or Inf\n"
            + TextTable(header: header, rows: rows, rightAligned: 3..<9).text
    }

    private static func number(_ value: Double?) -> String {
        value.map { String(format: "%.6g", $0) } ?? "-"
    }
}
