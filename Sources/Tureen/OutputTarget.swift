import HuggingFace
import Safetensors
import TureenCore

/// How a command's output is written: with the registry's writer for its path or, when every input
/// is a Hugging Face model folder and the output is a folder, as a model folder with the first
/// input's (or the configuration folder's) other files. Making one checks the model folders'
/// configurations against each other and the output against everything read (`OutputPolicy`).
package struct OutputTarget {
    /// The writer to use.
    package let writer: any CheckpointWriter
    /// What the user should hear of before the output is written: the readers' notes, files not copied.
    package let notes: [String]
    private let modelFolderWriter: ModelFolderWriter?
    /// The writer of model folder candidates for an evaluator, when every input is a model folder.
    let modelFolderCandidateWriter: ModelFolderWriter?

    /// Chooses the writer for `output` from `inputs` (the base of a soup among them), which must act
    /// on every choice of `writeOptions`; the output replaces none of `inputs` nor `sideInputs`
    /// (files read besides the checkpoints: a merge's configuration, a soup's weights file).
    ///
    /// - Throws: `HuggingFaceError.configsDiffer` (unless allowed), `.notAModelFolder` or
    ///   `.configFolderUnused` for a configuration folder that cannot serve, `UnusedWriteOptionError`,
    ///   and `OutputPolicy`'s errors.
    package init(
        output: String, inputs: [TensorStore], sideInputs: [String] = [], registry: FormatRegistry, writeOptions: WriteOptions,
        modelFolder: ModelFolderOptions, force: Bool
    ) throws {
        let models = inputs.filter { $0.formatName == .huggingface }
        let allModels = !inputs.isEmpty && models.count == inputs.count
        guard modelFolder.configFrom == nil || (allModels && registry.writesFolder(at: output)) else {
            throw HuggingFaceError.configFolderUnused(output: output)
        }
        var notes = inputs.flatMap { store in store.notes.map { "\(store.location): \($0)" } }
        notes += try Self.compareConfigs(
            of: models.map(\.location), reference: modelFolder.configFrom, allowingDifferences: modelFolder.allowConfigDifferences)
        let companions = allModels ? try CompanionFiles(folder: modelFolder.configFrom ?? inputs[0].location) : nil
        modelFolderCandidateWriter = companions.map(ModelFolderWriter.init(companions:))
        // What the output is written as, and what the output policy counts as read and as the writer's own.
        let writtenAs: String
        let (extraSources, isOwned): ([String], (String) -> Bool)
        if let companions, let folderWriter = modelFolderCandidateWriter, registry.writesFolder(at: output) {
            if !companions.skipped.isEmpty {
                notes.append("not copied from \(companions.folder): " + companions.skipped.map { "\($0.name) (\($0.reason))" }.joined(separator: ", "))
            }
            (modelFolderWriter, writer, writtenAs) = (folderWriter, folderWriter, "a model folder")
            (extraSources, isOwned) = (companions.sourcePaths, companions.isOwned)
        } else {
            let chosen = try registry.writer(for: output, firstInput: inputs.first)
            let name = UnusedWriteOptionError.writtenAs(chosen.format, chosen.writer, output: output, options: writeOptions)
            (modelFolderWriter, writer, writtenAs) = (nil, chosen.writer, name)
            (extraSources, isOwned) = ([], SafetensorsWriter.writesFolderEntry)
        }
        try UnusedWriteOptionError.check(writeOptions, usedBy: writer.usedOptions, output: output, writtenAs: writtenAs)
        try OutputPolicy.check(
            output: output, inputs: inputs, force: force, writesFolder: writer.writesFolder(at: output, options: writeOptions),
            extraSources: extraSources + sideInputs, isOwned: isOwned)
        self.notes = notes
    }

    /// Whether the output is written as a model folder.
    package var writesModelFolder: Bool { modelFolderWriter != nil }

    /// What the user should hear of about the output's `config.json` once its tensors are known.
    package func notes(writing tensors: [TensorInfo]) -> [String] {
        guard let update = modelFolderWriter?.configUpdate(for: tensors) else { return [] }
        let previous = Set(update.replaced).sorted().joined(separator: ", ")
        return ["config.json: dtype set to \(update.dtype) (was \(previous)), the dtype the weights are written in"]
    }

    /// Compares every model folder's `config.json` with the reference's (the configuration folder,
    /// or the first model folder); returns notes on allowed differences.
    private static func compareConfigs(of folders: [String], reference: String?, allowingDifferences: Bool) throws -> [String] {
        guard let referenceFolder = reference ?? folders.first else { return [] }
        let referenceConfig = try config(in: referenceFolder)
        var notes: [String] = []
        for folder in folders where folder != referenceFolder {
            let keys = referenceConfig.differences(from: try config(in: folder))
            guard !keys.isEmpty else { continue }
            let difference = HuggingFaceError.configsDiffer(reference: referenceFolder, other: folder, keys: keys)
            guard allowingDifferences else { throw difference }
            notes.append("\(difference.description); the output's config.json is \(referenceFolder)'s")
        }
        return notes
    }

    private static func config(in folder: String) throws -> ModelConfig {
        let path = folder + "/config.json"
        guard FileSystem.isRegularFile(path) else { throw HuggingFaceError.notAModelFolder(path: folder) }
        return try ModelConfig(path: path)
    }
}
