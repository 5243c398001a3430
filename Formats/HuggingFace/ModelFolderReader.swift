import PyTorch
import Safetensors
import TureenCore

/// Reads a Hugging Face model folder: checks its `config.json` and opens its weights with the
/// safetensors or PyTorch reader. The store lists the folder, the configuration and every weight
/// file as its sources, so that no output replaces them.
public struct ModelFolderReader: CheckpointReader {
    /// A reader.
    public init() {}

    public func open(_ path: String, options: ReadOptions) throws -> TensorStore {
        let folder = try ModelFolder(path: path)
        let configPath = path + "/" + ModelFolder.configName
        _ = try ModelConfig(path: configPath)
        let weightsPath = path + "/" + folder.weights.fileName
        let weights = folder.weights.isSafetensors
            ? try SafetensorsReader().open(weightsPath, options: options)
            : try PyTorchReader().open(weightsPath, options: options)
        let store = try TensorStore(
            location: path, formatName: .huggingface, tensors: weights.tensors, metadata: weights.metadata,
            nonTensorValues: weights.nonTensorValues)
        store.sourcePaths = [path, configPath] + weights.sourcePaths
        store.notes = folder.notes
        store.readOptionsApplied = weights.readOptionsApplied
        return store
    }
}
