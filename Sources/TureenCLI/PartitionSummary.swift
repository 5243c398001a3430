import Tureen

/// The line a partitioned task prints when it has finished.
enum PartitionSummary {
    static func text(_ report: PartitionReport, output: String) -> String {
        let written = report.written.isEmpty ? "wrote no shard" : "wrote \(report.written.joined(separator: ", "))"
        let skipped = report.skipped.isEmpty ? "" : "; kept \(report.skipped.joined(separator: ", ")), complete from an earlier run"
        return "\(report.partition) (\(report.shardCount) shards in all): \(written)\(skipped); manifest \(report.manifest). "
            + "When every task has finished: tureen index \(output)"
    }
}
