extension Partition {
    /// The partition a cluster scheduler gives this process through its environment.
    ///
    /// - A Slurm job array (`sbatch --array=0-7`): task `(SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN)
    ///   / SLURM_ARRAY_TASK_STEP` of `SLURM_ARRAY_TASK_COUNT` (min 0 and step 1 when unset), so an
    ///   array numbered from 1 (`--array=1-8`) or with a step (`--array=0-14:2`) works too. `count`,
    ///   if given, must agree.
    /// - A Kubernetes Indexed Job (`completionMode: Indexed`): task `JOB_COMPLETION_INDEX` of `count`,
    ///   the Job's completions, which Kubernetes does not put in the environment.
    ///
    /// Slurm's variables are read first when both are set.
    ///
    /// - Throws: `PartitionError.noSchedulerEnvironment` when neither is set, `.countNotGiven`,
    ///   `.missingVariable`, `.badVariable`, `.countDisagrees`, `.arrayNotARange`, `.taskOutOfRange`.
    public static func fromEnvironment(_ environment: [String: String], count: Int? = nil) throws -> Partition {
        func number(_ name: String, default value: Int? = nil) throws -> Int {
            guard let text = environment[name] else {
                if let value { return value }
                throw PartitionError.missingVariable(name)
            }
            guard let parsed = Int(text), parsed >= 0 else { throw PartitionError.badVariable(name: name, value: text) }
            return parsed
        }
        if environment["SLURM_ARRAY_TASK_ID"] != nil {
            let taskID = try number("SLURM_ARRAY_TASK_ID")
            let minimum = try number("SLURM_ARRAY_TASK_MIN", default: 0)
            let step = try number("SLURM_ARRAY_TASK_STEP", default: 1)
            let scheduled = try number("SLURM_ARRAY_TASK_COUNT")
            if let count, count != scheduled { throw PartitionError.countDisagrees(variable: "SLURM_ARRAY_TASK_COUNT", scheduled: scheduled, given: count) }
            guard step >= 1, taskID >= minimum, (taskID - minimum) % step == 0 else {
                throw PartitionError.arrayNotARange(taskID: taskID, minimum: minimum, step: step)
            }
            return try Partition(index: (taskID - minimum) / step, count: scheduled)
        }
        if environment["JOB_COMPLETION_INDEX"] != nil {
            guard let count else { throw PartitionError.countNotGiven }
            return try Partition(index: number("JOB_COMPLETION_INDEX"), count: count)
        }
        throw PartitionError.noSchedulerEnvironment
    }
}
