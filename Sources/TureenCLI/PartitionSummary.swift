import Tureen

/// What a partitioned task reports under its command's summary: a note naming the shards it wrote
/// and the `tureen index` to run once every task has finished, and with `--json` a `partition` object.
struct PartitionSummary: Encodable {
    /// The task's index, from 0.
    let task: Int
    /// The number of tasks.
    let tasks: Int
    let planID: String
    /// The number of shards in the whole output.
    let shardCount: Int
    let written: [String]
    /// Shards of this task's share found complete from an earlier run, left as they were.
    let skipped: [String]
    let manifest: String
    /// The folder `tureen index` joins.
    private let output: String

    init(_ report: PartitionReport, output: String) {
        task = report.partition.index
        tasks = report.partition.count
        planID = report.planID
        shardCount = report.shardCount
        written = report.written
        skipped = report.skipped
        manifest = report.manifest
        self.output = output
    }

    var note: String {
        let wrote = written.isEmpty ? "wrote no shard" : "wrote \(written.joined(separator: ", "))"
        let kept = skipped.isEmpty ? "" : "; kept \(skipped.joined(separator: ", ")), complete from an earlier run"
        return "task \(task) of \(tasks) (\(shardCount) shards in all): \(wrote)\(kept); manifest \(manifest). "
            + "When every task has finished: tureen index \(output)"
    }

    private enum CodingKeys: String, CodingKey {
        case task, tasks, planID, shardCount, written, skipped, manifest
    }
}
