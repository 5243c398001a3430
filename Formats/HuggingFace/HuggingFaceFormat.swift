import TureenCore

extension CheckpointFormat.Name {
    /// Hugging Face model folders (`config.json` beside the weights).
    public static let huggingface: Self = "huggingface"
}

extension CheckpointFormat {
    /// Hugging Face model folders: a `config.json` with `model.safetensors`, sharded safetensors,
    /// `pytorch_model.bin` or sharded `.bin` beside it (read). A model folder is written by the facade
    /// (`ModelFolderWriter`) when every input is one, since the writer needs their other files.
    public static let huggingface = CheckpointFormat(
        name: .huggingface,
        fileExtensions: [],
        recognizesPrefix: { _ in false },
        recognizesDirectory: { ModelFolder.recognizes($0) },
        reader: ModelFolderReader(),
        writer: nil
    )
}
