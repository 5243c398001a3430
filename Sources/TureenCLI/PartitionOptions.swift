import ArgumentParser
import Foundation
import Tureen

/// `--partition i/n|auto` and `--partition-count`: one task's share of a sharded safetensors
/// output, for every command that writes one (soup, convert, merge) as an `@OptionGroup`.
struct PartitionOptions: ParsableArguments {
    /// A task given on the command line, or one to read from the scheduler's environment.
    enum Choice: Equatable {
        case task(Partition)
        case fromEnvironment
    }

    @Option(help: ArgumentHelp(
        "Write only task i's share (from 0) of n tasks' sharded output, into a folder they share; 'auto' reads SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX. Then run `tureen index OUTPUT`.",
        valueName: "i/n|auto"), transform: Self.choice)
    var partition: Choice?

    @Option(help: "The number of tasks for --partition auto in a Kubernetes Indexed Job (the Job's completions).")
    var partitionCount: Int?

    func validate() throws {
        if partitionCount != nil, partition != .fromEnvironment { throw ValidationError("--partition-count goes with --partition auto") }
    }

    /// Refuses, as a usage error, a partitioned run whose output is not a folder of sharded
    /// safetensors; an output no format is written to is left to the run to report.
    func validate(output: String, writeOptions: WriteOptions) throws {
        guard partition != nil else { return }
        do {
            try PartitionedOutput.check(folder: output, writeOptions: writeOptions, registry: .standard)
        } catch let error as PartitionError {
            throw ValidationError("\(error)" + (ErrorHint.hint(for: error).map { "; \($0)" } ?? ""))
        } catch {
            return
        }
    }

    /// The task this process is, or nil for an unpartitioned run.
    func resolved(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Partition? {
        switch partition {
        case nil: return nil
        case let .task(task)?: return task
        case .fromEnvironment?: return try Partition.fromEnvironment(environment, count: partitionCount)
        }
    }

    @Sendable private static func choice(_ text: String) throws -> Choice {
        text == "auto" ? .fromEnvironment : .task(try Partition(parsing: text))
    }
}
