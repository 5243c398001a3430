import Soup
import TureenCore

/// The settings shared by the jobs that read checkpoints and write one merged result (`SoupJob`,
/// `MergeJob`), so one set of command-line options configures either, and either writes its whole
/// output or a partitioned task's share the same way.
public protocol CheckpointWritingJob {
    /// The output path.
    var output: String { get set }
    /// How to treat dtypes, integers, missing tensors and non-finite values.
    var options: SoupOptions { get set }
    /// Writer options (shards, compression, layout).
    var writeOptions: WriteOptions { get set }
    /// Reader options.
    var readOptions: ReadOptions { get set }
    /// Replace an existing output.
    var force: Bool { get set }
    /// Where a model folder output takes its other files from, and whether configurations may differ.
    var modelFolder: ModelFolderOptions { get set }
    /// Hears what the user should know: which weights a model folder was read from, files not copied.
    var onNote: ((String) -> Void)? { get set }
    /// Write only this task's share of a sharded safetensors output, into a folder every task shares
    /// (`PartitionIndexJob` then writes the index).
    var partition: Partition? { get set }
}

extension CheckpointWritingJob {
    /// Where this job writes, given its `inputs` (a base among them) and the other files it read
    /// (`sideInputs`: a configuration, a weights file), which the output must not replace either;
    /// `planID` is asked for only when partitioned.
    func makeOutput(inputs: [TensorStore], sideInputs: [String], registry: FormatRegistry, planID: () -> String) throws -> JobOutput {
        try JobOutput(
            output: output, inputs: inputs, sideInputs: sideInputs, partition: partition, writeOptions: writeOptions, modelFolder: modelFolder,
            force: force, registry: registry, planID: planID)
    }

    /// Writes `content` to `output`; returns what this task wrote when partitioned.
    func write(_ content: any TensorProducer, to destination: JobOutput) throws -> PartitionReport? {
        try destination.write(content, to: output, options: writeOptions, onNote: onNote)
    }

    /// The plan id of a partitioned run of this job (`PlanIdentity`): `addRecipe` adds what is
    /// computed, then come the options that change the output's bytes, the inputs and the shard size.
    func planID(job: String, ingredients: [TensorStore], base: TensorStore?, addRecipe: (PlanIdentity) -> Void) -> String {
        let identity = PlanIdentity(job: job)
        addRecipe(identity)
        identity.add("\(options.outputDType)", options.integerPolicy.rawValue, "\(options.skipMissingTensors)")
        identity.add(inputs: ingredients)
        if let base { identity.add("base"); identity.add(inputs: [base]) }
        identity.add(writeOptions: writeOptions)
        return identity.id
    }
}

extension SoupJob: CheckpointWritingJob {}
extension MergeJob: CheckpointWritingJob {}
