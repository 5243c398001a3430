/// Why `tureen index` found a partitioned run's output folder incomplete or inconsistent. Each
/// names the tasks to rerun.
public enum PartitionIndexError: Error, Equatable, CustomStringConvertible {
    /// Something wrong with one task's share.
    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// The task left no manifest: it was not run, or it was killed before its first shard.
        case noManifest(task: Int, shards: [String])
        /// The task's manifest is not finished: it was stopped after `written` of its shards.
        case unfinished(task: Int, manifest: String, written: Int, of: Int)
        /// A shard the task's manifest lists is not in the folder.
        case shardMissing(task: Int, shard: String)
        /// A shard has another size than the task's manifest says.
        case shardSize(task: Int, shard: String, size: Int, expected: Int)
        /// A shard's SHA-256 differs from the task's manifest.
        case shardChecksum(task: Int, shard: String)
        /// A shard holds other tensors than the task's manifest lists: `unlisted` are in the shard
        /// only, `absent` in the list only, `repeated` listed more than once.
        case shardTensors(task: Int, shard: String, unlisted: [String], absent: [String], repeated: [String])
        /// A shard's tensors take other bytes than the task's manifest says.
        case shardTensorBytes(task: Int, shard: String, listed: Int, held: Int)
        /// A shard's header cannot be read.
        case shardUnreadable(task: Int, shard: String, reason: String)

        /// Whether a shard's bytes changed where its size may not have: a rerun keeps it unless forced.
        public var isChangedContent: Bool {
            switch self {
            case .shardChecksum, .shardTensors, .shardTensorBytes, .shardUnreadable: true
            case .noManifest, .unfinished, .shardMissing, .shardSize: false
            }
        }

        /// The task that should rewrite the shards.
        public var task: Int {
            switch self {
            case let .noManifest(task, _), let .unfinished(task, _, _, _), let .shardMissing(task, _), let .shardSize(task, _, _, _), let .shardChecksum(task, _),
                 let .shardTensors(task, _, _, _, _), let .shardTensorBytes(task, _, _, _), let .shardUnreadable(task, _, _):
                return task
            }
        }

        public var description: String {
            switch self {
            case let .noManifest(task, shards):
                return "task \(task) left no manifest (it did not run, or was killed before its first shard was written), so its shards \(shards.joined(separator: ", ")) are not known complete"
            case let .unfinished(task, manifest, written, count):
                return "task \(task) did not finish: its manifest \(manifest) lists \(written) of its \(count) shards (killed or failed)"
            case let .shardMissing(task, shard):
                return "\(shard), written by task \(task), is missing (removed since)"
            case let .shardSize(task, shard, size, expected):
                return "\(shard), written by task \(task), is \(size) bytes, not the \(expected) its manifest says (cut short or changed since)"
            case let .shardChecksum(task, shard):
                return "\(shard), written by task \(task), does not have the SHA-256 its manifest says (changed since)"
            case let .shardTensors(task, shard, unlisted, absent, repeated):
                let differences = [unlisted.isEmpty ? nil : "holds \(Self.names(unlisted)), which its manifest does not list",
                                   absent.isEmpty ? nil : "lacks \(Self.names(absent)), which its manifest lists",
                                   repeated.isEmpty ? nil : "is listed by its manifest with \(Self.names(repeated)) more than once"].compactMap { $0 }
                return "\(shard), written by task \(task), \(differences.joined(separator: " and ")) (the shard or the manifest was changed since)"
            case let .shardTensorBytes(task, shard, listed, held):
                return "\(shard), written by task \(task), holds \(held) bytes of tensors, not the \(listed) its manifest says (the shard or the manifest was changed since)"
            case let .shardUnreadable(task, shard, reason):
                return "\(shard), written by task \(task), cannot be read as a shard: \(reason)"
            }
        }

        /// Up to five tensor names, quoted, and how many more.
        private static func names(_ names: [String]) -> String {
            let shown = names.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            return names.count > 5 ? "\(shown) and \(names.count - 5) more" : shown
        }
    }

    /// The folder holds no task manifest: no partitioned run wrote there.
    case noManifests(folder: String)
    /// A manifest that cannot be read as one.
    case badManifest(path: String, detail: String)
    /// The manifests are from more than one plan (other inputs, recipe, options or Tureen).
    case plansDiffer(folder: String, manifestsByPlan: [String: [String]])
    /// The manifests are from runs with different numbers of tasks.
    case taskCountsDiffer(folder: String, manifestsByCount: [Int: [String]])
    /// Two runs wrote manifests as the same task: the scheduler gave one index twice.
    case duplicateTask(folder: String, task: Int, count: Int, manifests: [String])
    /// Shares that are not complete.
    case incomplete(folder: String, taskCount: Int, problems: [Problem])
    /// The folder holds an index with other bytes than the one the tasks' shards make.
    case otherIndexExists(path: String)

    public var description: String {
        switch self {
        case let .noManifests(folder):
            return "\(folder) holds no task manifest (tureen-task-*.json): no partitioned run wrote there"
        case let .badManifest(path, detail):
            return "\(path) is not a task manifest: \(detail)"
        case let .plansDiffer(folder, manifestsByPlan):
            let groups = manifestsByPlan.sorted { $0.value.count > $1.value.count || ($0.value.count == $1.value.count && $0.key < $1.key) }
                .map { "plan \($0.key.prefix(12))…: \($0.value.sorted().joined(separator: ", "))" }
            return "\(folder) holds shards of different plans (a task ran with other inputs, recipe or options than the rest): \(groups.joined(separator: "; ")); rerun those tasks with the same command as the others"
        case let .taskCountsDiffer(folder, manifestsByCount):
            let groups = manifestsByCount.sorted { $0.key < $1.key }.map { "\($0.key) tasks: \($0.value.sorted().joined(separator: ", "))" }
            return "\(folder) holds manifests of runs with different numbers of tasks (\(groups.joined(separator: "; "))); remove the older run's manifests"
        case let .duplicateTask(folder, task, count, manifests):
            return "\(folder): two runs wrote as task \(task) of \(count) (\(manifests.joined(separator: ", "))): the scheduler gave one index twice, so another task's shards are likely missing"
        case let .otherIndexExists(path):
            return "\(path) already exists and indexes other shards than this run's (another checkpoint in the folder?)"
        case let .incomplete(folder, taskCount, problems):
            let tasks = Set(problems.map(\.task)).sorted().map(String.init).joined(separator: ", ")
            // A rerun keeps the shards its manifest lists at their size, so a changed one needs --force.
            let force = problems.contains(where: \.isChangedContent) ? " with --force" : ""
            return "\(folder) is not complete: " + problems.map(\.description).joined(separator: "; ") + "; rerun task\(tasks.contains(",") ? "s" : "") \(tasks) of \(taskCount)\(force)"
        }
    }
}
