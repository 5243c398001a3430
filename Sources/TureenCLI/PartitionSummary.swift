import Tureen

/// What a partitioned task reports under its command's summary: a note naming the shards it wrote
/// and the `tureen index` to run once every task has finished, and with `--json` a `partition` object
/// (the task's index from 0, the number of tasks, then the report's fields).
struct PartitionSummary: Encodable {
    let report: PartitionReport
    /// The folder `tureen index` joins.
    private let output: String

    init(_ report: PartitionReport, output: String) {
        self.report = report
        self.output = output
    }

    var note: String {
        let wrote = report.written.isEmpty ? "wrote no shard" : "wrote \(report.written.joined(separator: ", "))"
        let kept = report.skipped.isEmpty ? "" : "; kept \(report.skipped.joined(separator: ", ")), complete from an earlier run"
        return "task \(report.partition.index) of \(report.partition.count) (\(report.shardCount) shards in all): \(wrote)\(kept); "
            + "manifest \(report.manifest). When every task has finished: tureen index \(output)"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(report.partition.index, forKey: .task)
        try container.encode(report.partition.count, forKey: .tasks)
        try container.encode(report.planID, forKey: .planID)
        try container.encode(report.shardCount, forKey: .shardCount)
        try container.encode(report.written, forKey: .written)
        try container.encode(report.skipped, forKey: .skipped)
        try container.encode(report.manifest, forKey: .manifest)
    }

    private enum CodingKeys: String, CodingKey {
        case task, tasks, planID, shardCount, written, skipped, manifest
    }
}
