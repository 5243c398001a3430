/// One task's share of a partitioned run: of an output's shards, numbered from 0 in the writer's
/// order, task `index` of `count` writes those whose number modulo `count` is `index`.
///
/// Round robin rather than a balance by bytes: every shard but the last and those holding one
/// oversized tensor is close to the shard size, so shares differ by at most about one shard, and
/// anyone can tell from the numbers alone which task wrote (or should have written) a shard.
public struct Partition: Sendable, Hashable, CustomStringConvertible {
    /// The task's index, from 0.
    public let index: Int
    /// The number of tasks.
    public let count: Int

    /// Task `index` of `count`.
    ///
    /// - Throws: `PartitionError.taskOutOfRange` unless 0 ≤ `index` < `count`.
    public init(index: Int, count: Int) throws {
        guard count >= 1, index >= 0, index < count else { throw PartitionError.taskOutOfRange(index: index, count: count) }
        self.index = index
        self.count = count
    }

    /// Parses `i/n` (e.g. `2/8`: the third of eight tasks).
    ///
    /// - Throws: `PartitionError.badSpecification` for anything else, `.taskOutOfRange` unless 0 ≤ i < n.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw PartitionError.badSpecification(text)
        }
        try self.init(index: index, count: count)
    }

    /// Whether this task writes shard `number` (from 0).
    public func owns(shard number: Int) -> Bool {
        Self.owner(ofShard: number, count: count) == index
    }

    /// The task that writes shard `number` (from 0) of a run of `count` tasks.
    public static func owner(ofShard number: Int, count: Int) -> Int {
        number % count
    }

    /// `task 2 of 8`.
    public var description: String { "task \(index) of \(count)" }
}
