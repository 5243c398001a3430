#if canImport(Glibc)
import Glibc
#endif
import Safetensors
import SystemPackage
import TureenCore

/// Writes one task's share of a sharded safetensors output into a folder that every task of the
/// run shares. The shard plan is the unpartitioned writer's, computed from the output's tensor
/// list alone, so every task computes the same one and the shards are byte for byte those of an
/// unpartitioned run. Only the share's tensors are asked of the producer, so only the input bytes
/// they need are read.
///
/// The folder is created if missing and never replaced or cleared. Each shard is written to a
/// temporary file and renamed into place; after each, the task's manifest is rewritten (also by
/// rename). A shard that a run of the same task and plan lists, with its size, is kept unless
/// `replacesExistingShards`; a listed one of another size is written again; any other file at a
/// shard's name is replaced only if it holds the very bytes this task writes there, or if
/// `replacesExistingShards`.
package struct PartitionedOutput {
    /// The output folder.
    package let folder: String
    /// This task.
    package let partition: Partition
    /// The plan id.
    package let planID: String
    /// The shard size.
    package let maxShardSize: Int
    /// Whether every file at one of this task's shard names is written again: the shards a manifest
    /// of this plan lists (which a `--verify` may have found changed), and those no manifest lists.
    package var replacesExistingShards = false

    /// The task `partition` of the run whose plan is `planID`, writing into `folder` in shards of `writeOptions.maxShardSize`.
    ///
    /// - Throws: `PartitionError.notShardedSafetensors` unless `registry` writes sharded safetensors there.
    package init(folder: String, partition: Partition, planID: String, writeOptions: WriteOptions, registry: FormatRegistry) throws {
        try Self.check(folder: folder, writeOptions: writeOptions, registry: registry)
        self.folder = FileSystem.namedPath(folder)
        self.partition = partition
        self.planID = planID
        self.maxShardSize = writeOptions.maxShardSize ?? SafetensorsWriter.defaultShardSize
    }

    /// Checks that `registry` writes sharded safetensors into `folder` with `writeOptions`, the only
    /// output a partitioned run writes.
    ///
    /// - Throws: `PartitionError.notShardedSafetensors`; what `registry` throws for a path it writes
    ///   no format to.
    package static func check(folder: String, writeOptions: WriteOptions, registry: FormatRegistry) throws {
        let (format, writer) = try registry.writer(for: folder)
        guard format.name == .safetensors, writer.writesFolder(at: folder, options: writeOptions) else {
            throw PartitionError.notShardedSafetensors(path: folder)
        }
    }

    /// The indices of the tensors this task writes, for progress totals.
    package func ownedTensorIndices(of tensors: [TensorInfo]) -> [Int] {
        ShardedSafetensorsWriter.split(tensors, maxShardSize: maxShardSize).enumerated()
            .filter { partition.owns(shard: $0.offset) }.flatMap(\.element)
    }

    /// Writes this task's shards of `content`, then its finished manifest.
    ///
    /// - Throws: `PartitionError.outputNotFolder`, `.unlistedShardExists`; `PartitionIndexError.badManifest`
    ///   for an unreadable manifest in the folder; writer and producer errors (the shard being written is removed).
    package func write(_ content: any TensorProducer) throws -> PartitionReport {
        try SafetensorsWriter.checkStorable(content, path: folder)
        try makeFolder()
        let shards = ShardedSafetensorsWriter.split(content.tensors, maxShardSize: maxShardSize)
        let earlier = try manifestsOfThisTask()
        var manifest = TaskManifest(
            plan: planID, task: partition.index, taskCount: partition.count, shardCount: shards.count,
            writtenBy: "\(ProcessIdentity.host)-\(getpid())", finished: false, shards: [])
        var written: [String] = []
        var skipped: [String] = []
        for (number, indices) in shards.enumerated() where partition.owns(shard: number) {
            let name = ShardedSafetensorsWriter.fileName(ofShard: number + 1, of: shards.count)
            let path = "\(folder)/\(name)"
            let existing = try? Stat(FilePath(path), followTargetSymlink: false)
            // Read again for each shard: a run of the same task at the same time (the scheduler
            // gave one index twice) may have written it meanwhile.
            let listed = try manifestsOfThisTask().filter { $0.manifest.plan == planID }.flatMap(\.manifest.shards).first { $0.name == name }
            if let done = listed, !replacesExistingShards, let existing, existing.type == .regular, existing.size == done.size {
                manifest.shards.append(done)
                skipped.append(name)
                continue
            }
            // A shard this task's manifest lists is its own, cut or changed since: written again.
            let replaced = listed == nil ? existing.map { Int($0.size) } : nil
            manifest.shards.append(try writeShard(content, tensorIndices: indices, to: path, replacing: replaced))
            written.append(name)
            try manifest.write(into: folder)
        }
        func report(manifest name: String) -> PartitionReport {
            PartitionReport(partition: partition, planID: planID, shardCount: shards.count, written: written, skipped: skipped, manifest: name)
        }
        // A finished earlier run of this task (a whole array resubmitted) stands as it is.
        if written.isEmpty, let done = earlier.first(where: { $0.manifest.plan == planID && $0.manifest.finished && $0.manifest.shards == manifest.shards }) {
            // Only this plan's: another plan's manifest is what `tureen index` reports plans differing by.
            removeSuperseded(earlier.filter { $0.manifest.plan == planID }, keeping: done.name)
            return report(manifest: done.name)
        }
        manifest.finished = true
        try manifest.write(into: folder)
        removeSuperseded(earlier, keeping: manifest.fileName)
        return report(manifest: manifest.fileName)
    }

    /// Removes the manifests of the earlier runs of this task but `kept`: their shards are listed
    /// again, or rewritten (a run killed, or rerun after one was); except those of a copy running
    /// now, which `tureen index` is to see.
    private func removeSuperseded(_ earlier: [(name: String, manifest: TaskManifest)], keeping kept: String) {
        for (name, other) in earlier where name != kept && !Self.isRunningElsewhere(other.writtenBy) {
            unlink("\(folder)/\(name)")
        }
        FileSystem.syncFolder(folder)
    }

    /// Whether `writer` (HOST-PID) is another process running now on this host.
    private static func isRunningElsewhere(_ writer: String) -> Bool {
        guard let dash = writer.lastIndex(of: "-"), let pid = Int32(writer[writer.index(after: dash)...]) else { return false }
        return writer[..<dash] == ProcessIdentity.host && pid != getpid() && ProcessIdentity.isRunning(pid)
    }

    /// The manifests in the folder written as this task (this run's, earlier runs', a duplicate's).
    private func manifestsOfThisTask() throws -> [(name: String, manifest: TaskManifest)] {
        try TaskManifest.all(in: folder).filter { $0.manifest.task == partition.index && $0.manifest.taskCount == partition.count }
    }

    /// Creates the folder if it is missing (another task may do so at the same moment).
    private func makeFolder() throws {
        if mkdir(folder, 0o777) == 0 || errno == EEXIST {
            guard FileSystem.isDirectory(folder) else { throw PartitionError.outputNotFolder(path: folder) }
            return
        }
        throw TensorStoreError.cannotWrite(path: folder, errno: .latest)
    }

    /// Writes one shard through a temporary file, hashing its bytes as they are written. A file of
    /// `replacedSize` bytes at `path` that no manifest lists is replaced only if it holds the same
    /// bytes (this task's own shard, renamed into place just before the task was stopped), or if
    /// `replacesExistingShards`.
    private func writeShard(_ content: any TensorProducer, tensorIndices: [Int], to path: String, replacing replacedSize: Int?) throws -> TaskManifest.Shard {
        let output = try OutputFile(destination: path)
        let digest = ContentDigest()
        output.onAppend = { digest.update($0) }
        try SafetensorsWriter.writeFile(content, tensorIndices: tensorIndices, to: output)
        let size = output.length
        if let replacedSize, !replacesExistingShards {
            guard replacedSize == size, try ContentDigest.ofFile(at: path) == digest.hexadecimal else { throw PartitionError.unlistedShardExists(path: path) }
        }
        try output.commit()
        let tensors = tensorIndices.map { content.tensors[$0] }
        return TaskManifest.Shard(
            name: FilePath(path).lastComponent?.string ?? path, size: size, sha256: digest.hexadecimal,
            tensors: tensors.map(\.name), tensorBytes: tensors.reduce(0) { $0 + $1.byteCount })
    }
}
