import TureenCore

/// Where a soup, merge or conversion writes: the whole checkpoint with the output's writer
/// (`OutputTarget`), or, when partitioned, one task's share of a sharded safetensors folder
/// (`PartitionedOutput`). The jobs choose it, ask it which output tensors to compute, and write
/// through it alike.
package enum JobOutput {
    case whole(OutputTarget)
    case share(PartitionedOutput)

    /// The output at `output` for `inputs` (and `sideInputs`, files read besides the checkpoints,
    /// which it must not replace either): this task's share when `partition` is given, with the
    /// plan id `planID()` (computed only then; `force` lets it replace files at its shard names
    /// that no manifest of the plan lists), else the whole checkpoint.
    ///
    /// - Throws: `OutputTarget`'s and `OutputPolicy`'s errors; `UnusedWriteOptionError`;
    ///   `PartitionError.notShardedSafetensors`, `.outputNotFolder`.
    package init(
        output: String, inputs: [TensorStore], sideInputs: [String] = [], partition: Partition?, writeOptions: WriteOptions,
        modelFolder: ModelFolderOptions, force: Bool, registry: FormatRegistry, planID: () -> String
    ) throws {
        guard let partition else {
            self = .whole(try OutputTarget(
                output: output, inputs: inputs, sideInputs: sideInputs, registry: registry, writeOptions: writeOptions, modelFolder: modelFolder, force: force))
            return
        }
        try UnusedWriteOptionError.check(writeOptions, usedBy: [.maxShardSize], output: output, writtenAs: UnusedWriteOptionError.folderOfShards)
        try OutputPolicy.check(output: output, inputs: inputs, force: force, partitioned: true, extraSources: sideInputs)
        var share = try PartitionedOutput(folder: output, partition: partition, planID: planID(), writeOptions: writeOptions, registry: registry)
        share.replacesExistingShards = force
        self = .share(share)
    }

    /// The indices of the output's tensors (`tensors`) that this run writes: all, or the task's share.
    package func writtenTensorIndices(of tensors: [TensorInfo]) -> [Int] {
        switch self {
        case .whole: Array(tensors.indices)
        case let .share(share): share.ownedTensorIndices(of: tensors)
        }
    }

    /// Writes `content` to `output` (the whole checkpoint after handing its notes to `onNote`, or
    /// the task's shards); returns what the task wrote when partitioned.
    package func write(_ content: any TensorProducer, to output: String, options: WriteOptions, onNote: ((String) -> Void)?) throws -> PartitionReport? {
        switch self {
        case let .whole(target):
            (target.notes + target.notes(writing: content.tensors)).forEach { onNote?($0) }
            try target.writer.write(content, to: output, options: options)
            return nil
        case let .share(share):
            return try share.write(content)
        }
    }
}
