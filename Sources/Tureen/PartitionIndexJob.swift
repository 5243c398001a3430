import Safetensors
import SystemPackage
import TureenCore

/// `tureen index`: checks that every task of a partitioned run finished and every shard of the
/// plan is in the folder, complete, then writes `model.safetensors.index.json` atomically (as
/// the unpartitioned writer writes it, byte for byte). A plan of one shard (`model.safetensors`)
/// has no index. The task manifests are left, so the check can be repeated.
public struct PartitionIndexJob {
    /// The output folder the tasks wrote into.
    public var folder: String
    /// Read every shard and compare its SHA-256 with its task's manifest (sizes are always compared).
    public var verifiesChecksums = false
    /// Replace an index already in the folder that holds other bytes (`--force`).
    public var replacesExistingIndex = false

    /// Describes the indexing of `folder`.
    public init(folder: String) {
        self.folder = folder
    }

    /// What a finished check found and wrote.
    public struct Report: Sendable, Equatable {
        /// The plan id every task shared.
        public let planID: String
        /// The number of tasks.
        public let taskCount: Int
        /// The number of shards.
        public let shardCount: Int
        /// The bytes of all tensors.
        public let totalSize: Int
        /// The index written, or nil for a plan of one shard.
        public let index: String?
    }

    /// Checks the folder and writes the index.
    ///
    /// - Throws: `PartitionIndexError` naming the tasks to rerun; reader and writer errors.
    public func run() throws -> Report {
        let folder = FileSystem.namedPath(folder)
        let manifests = try TaskManifest.all(in: folder)
        guard let first = manifests.first?.manifest else { throw PartitionIndexError.noManifests(folder: folder) }
        let byPlan = Dictionary(grouping: manifests, by: \.manifest.plan)
        guard byPlan.count == 1 else { throw PartitionIndexError.plansDiffer(folder: folder, manifestsByPlan: byPlan.mapValues { $0.map(\.name) }) }
        let byCount = Dictionary(grouping: manifests) { $0.manifest.taskCount }
        guard byCount.count == 1, manifests.allSatisfy({ $0.manifest.shardCount == first.shardCount }) else {
            throw PartitionIndexError.taskCountsDiffer(folder: folder, manifestsByCount: byCount.mapValues { $0.map(\.name) })
        }
        let byTask = Dictionary(grouping: manifests, by: \.manifest.task)
        if let (task, twice) = byTask.sorted(by: { $0.key < $1.key }).first(where: { $0.value.count > 1 }) {
            throw PartitionIndexError.duplicateTask(folder: folder, task: task, count: first.taskCount, manifests: twice.map(\.name).sorted())
        }
        var problems: [PartitionIndexError.Problem] = []
        // Only the tasks that own shards (fewer than the tasks when there are more tasks than shards)
        // and those that left a manifest: a task that owns nothing need not have run.
        let shares = Dictionary(grouping: 0..<first.shardCount) { Partition.owner(ofShard: $0, count: first.taskCount) }
        for task in Set(shares.keys).union(byTask.keys).sorted() {
            let share = (shares[task] ?? []).map { ShardedSafetensorsWriter.fileName(ofShard: $0 + 1, of: first.shardCount) }
            guard let (name, manifest) = byTask[task]?.first else {
                problems.append(.noManifest(task: task, shards: share))
                continue
            }
            guard manifest.shards.map(\.name) == Array(share.prefix(manifest.shards.count)) else {
                throw PartitionIndexError.badManifest(path: "\(folder)/\(name)", detail: "it lists \(manifest.shards.map(\.name)), but task \(task) of \(first.taskCount) writes \(share)")
            }
            if !manifest.finished || manifest.shards.count < share.count {
                problems.append(.unfinished(task: task, manifest: name, written: manifest.shards.count, of: share.count))
            }
            problems += try manifest.shards.compactMap { try problem(with: $0, task: task, in: folder) }
        }
        guard problems.isEmpty else { throw PartitionIndexError.incomplete(folder: folder, taskCount: first.taskCount, problems: problems) }
        let shards = manifests.flatMap(\.manifest.shards)
        // Each shard's tensor bytes were checked against its header, so their sum is the files' and fits.
        guard let totalSize = CheckedArithmetic.sum(shards.map(\.tensorBytes)) else {
            throw PartitionIndexError.badManifest(path: folder, detail: "the shards' tensor bytes add up to more than fits in 64 bits")
        }
        var index: String?
        if first.shardCount > 1 {
            let weightMap = shards.flatMap { shard in shard.tensors.map { ($0, shard.name) } }
            let path = "\(folder)/\(ShardedSafetensorsWriter.indexFileName)"
            let contents = Array(ShardedSafetensorsWriter.indexJSON(totalSize: totalSize, weightMap: weightMap).utf8)
            try checkExistingIndex(at: path, against: contents)
            let output = try OutputFile(destination: path, bufferSize: 1 << 20)
            try output.write(contents)
            try output.commit()
            index = path
        }
        return Report(planID: first.plan, taskCount: first.taskCount, shardCount: first.shardCount, totalSize: totalSize, index: index)
    }

    /// What is wrong with a listed shard's file, if anything.
    private func problem(with shard: TaskManifest.Shard, task: Int, in folder: String) throws -> PartitionIndexError.Problem? {
        let path = "\(folder)/\(shard.name)"
        guard let status = try? Stat(FilePath(path), followTargetSymlink: false), status.type == .regular else {
            return .shardMissing(task: task, shard: shard.name)
        }
        guard status.size == shard.size else { return .shardSize(task: task, shard: shard.name, size: Int(status.size), expected: shard.size) }
        if verifiesChecksums, try ContentDigest.ofFile(at: path) != shard.sha256 { return .shardChecksum(task: task, shard: shard.name) }
        // The index is made of the manifests' tensor lists and sizes: each must be what its shard holds.
        let held: [TensorInfo]
        do {
            held = try SafetensorsReader().open(path, options: ReadOptions()).tensors.map(\.info)
        } catch {
            return .shardUnreadable(task: task, shard: shard.name, reason: "\(error)")
        }
        let names = held.map(\.name)
        let (heldNames, listed) = (Set(names), Set(shard.tensors))
        guard heldNames == listed, names.count == shard.tensors.count else {
            let repeated = Dictionary(grouping: shard.tensors) { $0 }.filter { $0.value.count > 1 }.keys.sorted()
            return .shardTensors(task: task, shard: shard.name, unlisted: names.filter { !listed.contains($0) },
                                 absent: shard.tensors.filter { !heldNames.contains($0) }, repeated: repeated)
        }
        let bytes = CheckedArithmetic.sum(held.map(\.byteCount))
        guard let bytes, bytes == shard.tensorBytes else {
            return .shardTensorBytes(task: task, shard: shard.name, listed: shard.tensorBytes, held: bytes ?? .max)
        }
        return nil
    }

    /// Refuses to replace an index at `path` that holds other bytes than `contents` (another
    /// checkpoint's index in the folder, which a run into it did not write) unless
    /// `replacesExistingIndex`.
    private func checkExistingIndex(at path: String, against contents: [UInt8]) throws {
        guard !replacesExistingIndex, FileSystem.identity(of: path) != nil else { return }
        let existing = try MappedFile(path: path)
        guard try existing.count != contents.count || existing.bytes(in: 0..<existing.count) != contents else { return }
        throw PartitionIndexError.otherIndexExists(path: path)
    }
}
