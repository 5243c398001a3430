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

    func run() throws {
        var job = PartitionIndexJob(folder: folder)
        job.verifiesChecksums = verify
        let report = try job.run()
        let written = report.index.map { "wrote \($0)" } ?? "one shard (model.safetensors): no index needed"
        printToStandardError("\(report.shardCount) shards of \(report.taskCount) tasks complete\(verify ? " (SHA-256 checked)" : ""), "
            + "\(ProgressBar.size(report.totalSize)) of tensors, plan \(report.planID.prefix(12)); \(written)")
    }
}
