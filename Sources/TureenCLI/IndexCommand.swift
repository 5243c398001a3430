import ArgumentParser
import Tureen

/// `tureen index OUTDIR`: joins a partitioned run's shards once every task has finished.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Check that every task of a partitioned run (--partition) finished, then write the folder's model.safetensors.index.json."
    )

    @Argument(help: "The output folder the tasks wrote into.")
    var folder: String

    @Flag(help: "Also read every shard and compare its SHA-256 with its task's manifest (sizes are always compared).")
    var verify = false

    @Flag(help: "Replace an index already in the folder that indexes other shards (another checkpoint's).")
    var force = false

    @OptionGroup var reporting: ReportingOptions

    func run() throws {
        var job = PartitionIndexJob(folder: folder)
        job.verifiesChecksums = verify
        job.replacesExistingIndex = force
        try reporting.finish(IndexOutcome(report: try job.run(), folder: folder, verified: verify))
    }
}

/// What `tureen index` reports: the shards and tasks found complete and the index written.
struct IndexOutcome: CommandOutcome {
    let folder: String
    let planID: String
    let taskCount: Int
    let shardCount: Int
    /// The bytes of all tensors.
    let totalSize: Int
    /// Whether every shard's SHA-256 was compared with its manifest (`--verify`).
    let verified: Bool
    /// The index written; absent for a plan of one shard.
    let index: String?

    init(report: PartitionIndexJob.Report, folder: String, verified: Bool) {
        self.folder = folder
        planID = report.planID
        taskCount = report.taskCount
        shardCount = report.shardCount
        totalSize = report.totalSize
        self.verified = verified
        index = report.index
    }

    var summaryLine: String {
        let written = index.map { "wrote \($0)" } ?? "one shard (model.safetensors): no index needed"
        return "\(shardCount) shards of \(taskCount) tasks complete\(verified ? " (SHA-256 checked)" : ""), "
            + "\(ProgressBar.size(totalSize)) of tensors, plan \(planID.prefix(12)); \(written)"
    }
}
