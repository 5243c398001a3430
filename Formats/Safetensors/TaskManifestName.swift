/// The file names of a partitioned run's task manifests in a sharded safetensors folder:
/// `tureen-task-00002-of-00008-HOST-PID.json`. The host and process id make each run's name its own,
/// so two tasks given the same index by mistake leave two manifests that `tureen index` can see.
package enum TaskManifestName {
    private static let prefix = "tureen-task-"
    private static let suffix = ".json"

    /// The manifest name for task `index` of `count`, written by the run `runIdentity` (HOST-PID).
    package static func make(task index: Int, of count: Int, runIdentity: String) -> String {
        "\(prefix)\(ShardedSafetensorsWriter.padded(index))-of-\(ShardedSafetensorsWriter.padded(count))-\(runIdentity)\(suffix)"
    }

    /// Whether `name` is a task manifest's.
    package static func matches(_ name: String) -> Bool {
        name.hasPrefix(prefix) && name.hasSuffix(suffix)
    }
}
