/// What one task of a partitioned run did.
public struct PartitionReport: Sendable, Equatable {
    /// The task.
    public let partition: Partition
    /// The plan id every task of the run shares.
    public let planID: String
    /// The number of shards in the whole output.
    public let shardCount: Int
    /// The shards this task wrote.
    public let written: [String]
    /// The shards of this task's share found complete from an earlier run of it, left as they were.
    public let skipped: [String]
    /// The task's manifest, in the output folder.
    public let manifest: String
}
