import Foundation
import Safetensors
import TureenCore

/// What one task of a partitioned run has written: its plan and share, and each shard's name, size,
/// SHA-256 and tensors. Rewritten atomically after each shard (`finished` after the last), so a
/// killed task's resubmission skips the shards it had finished, and `tureen index` joins the
/// tasks' manifests into the checkpoint's index.
struct TaskManifest: Codable, Equatable {
    /// One shard written.
    struct Shard: Codable, Equatable {
        /// The file's name in the folder.
        let name: String
        /// The file's size in bytes.
        let size: Int
        /// The file's SHA-256, as `sha256sum` prints it.
        let sha256: String
        /// The tensors it holds.
        let tensors: [String]
        /// The bytes of those tensors (the index's `total_size` is their sum over all shards).
        let tensorBytes: Int
    }

    /// The plan id (`PlanIdentity`).
    let plan: String
    /// The task's index, from 0.
    let task: Int
    /// The number of tasks.
    let taskCount: Int
    /// The number of shards in the plan.
    let shardCount: Int
    /// HOST-PID of the process that wrote it.
    let writtenBy: String
    /// Whether the task wrote every shard of its share.
    var finished: Bool
    /// The shards written so far, in plan order.
    var shards: [Shard]

    /// Manifests are small: a larger file is not one.
    private static let maximumSize = 64 << 20
    /// More shards than a million (a shard per tensor of a model of a million tensors) is no plan.
    private static let maximumShardCount = 1_000_000

    /// Reads the manifest at `path`.
    ///
    /// - Throws: `PartitionIndexError.badManifest` for a file that is not one; reader errors.
    static func read(at path: String) throws -> TaskManifest {
        let file = try MappedFile(path: path)
        guard file.count <= maximumSize else { throw PartitionIndexError.badManifest(path: path, detail: "it is \(file.count) bytes, more than a manifest's \(maximumSize)") }
        let manifest: TaskManifest
        do {
            manifest = try JSONDecoder().decode(TaskManifest.self, from: Data(file.bytes(in: 0..<file.count)))
        } catch let error as DecodingError {
            throw PartitionIndexError.badManifest(path: path, detail: error.reason)
        }
        // Counts that no run writes would make `tureen index` loop over them.
        guard manifest.taskCount >= 1, (0..<manifest.taskCount).contains(manifest.task),
              (1...maximumShardCount).contains(manifest.shardCount), manifest.shards.count <= manifest.shardCount else {
            throw PartitionIndexError.badManifest(path: path, detail: "task \(manifest.task) of \(manifest.taskCount) with \(manifest.shards.count) of \(manifest.shardCount) shards is not a task of a run")
        }
        return manifest
    }

    /// Every manifest in `folder`, by file name.
    static func all(in folder: String) throws -> [(name: String, manifest: TaskManifest)] {
        try FileSystem.contents(of: folder).filter(TaskManifestName.matches).map { ($0, try read(at: "\(folder)/\($0)")) }
    }

    /// The file name this manifest is written under.
    var fileName: String { TaskManifestName.make(task: task, of: taskCount, runIdentity: writtenBy) }

    /// Writes the manifest into `folder` atomically (a temporary file renamed over the last version).
    ///
    /// - Throws: `TensorStoreError.cannotWrite`.
    func write(into folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let output = try OutputFile(destination: "\(folder)/\(fileName)", bufferSize: 64 << 10)
        try output.write(Array(try encoder.encode(self)) + [UInt8(ascii: "\n")])
        try output.commit()
    }
}
