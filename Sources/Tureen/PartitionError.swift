/// Why a partitioned run was refused before writing.
public enum PartitionError: Error, Equatable, CustomStringConvertible {
    /// A partition that is not `i/n`.
    case badSpecification(String)
    /// A task index outside 0..<count, or a count below 1.
    case taskOutOfRange(index: Int, count: Int)
    /// Neither a Slurm job array's nor a Kubernetes Indexed Job's variables are set.
    case noSchedulerEnvironment
    /// `JOB_COMPLETION_INDEX` is set, but the number of tasks was not given (Kubernetes does not export it).
    case countNotGiven
    /// A scheduler variable that is needed is not set.
    case missingVariable(String)
    /// A scheduler variable does not hold a non-negative integer.
    case badVariable(name: String, value: String)
    /// The number of tasks given disagrees with the one the scheduler set.
    case countDisagrees(variable: String, scheduled: Int, given: Int)
    /// A Slurm array task id that is not minimum + k × step (an array given as a list, not a range).
    case arrayNotARange(taskID: Int, minimum: Int, step: Int)
    /// The output is not a folder of sharded safetensors, the only output a partitioned run writes.
    case notShardedSafetensors(path: String)
    /// The output path exists and is not a folder.
    case outputNotFolder(path: String)
    /// A file at one of this task's shard names holds other bytes, and no manifest of this task and plan lists it.
    case unlistedShardExists(path: String)

    public var description: String {
        switch self {
        case let .badSpecification(text):
            return "'\(text)' is not a partition: write i/n, task i (from 0) of n tasks, e.g. 2/8"
        case let .taskOutOfRange(index, count):
            return count < 1 ? "a partitioned run needs at least 1 task, not \(count)" : "task \(index) does not exist in a run of \(count) tasks (0 to \(count - 1))"
        case .noSchedulerEnvironment:
            return "the partition was to come from the environment, but neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set"
        case .countNotGiven:
            return "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job), but not the number of tasks: Kubernetes does not export the Job's completions"
        case let .missingVariable(name):
            return "\(name) is not set; a Slurm job array sets it with SLURM_ARRAY_TASK_ID"
        case let .badVariable(name, value):
            return "\(name) is '\(value)', not a non-negative integer"
        case let .countDisagrees(variable, scheduled, given):
            return "\(variable) says \(scheduled) tasks, but \(given) were given"
        case let .arrayNotARange(taskID, minimum, step):
            return "SLURM_ARRAY_TASK_ID \(taskID) is not \(minimum) + k × \(step): the job array must be a range (--array=0-7, or 0-14:2), not a list"
        case let .notShardedSafetensors(path):
            return "\(path): a partitioned run writes sharded safetensors only; the output must be a folder with a shard size"
        case let .outputNotFolder(path):
            return "\(path) exists and is not a folder; a partitioned run writes its shards into a folder"
        case let .unlistedShardExists(path):
            return "\(path) exists with other bytes than this task writes there, and no manifest of this task and plan lists it (it is from another run); it was left as it is"
        }
    }
}
