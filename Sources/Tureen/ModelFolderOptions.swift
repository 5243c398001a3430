/// How a command treats Hugging Face model folders (a `config.json` beside the weights).
public struct ModelFolderOptions: Sendable {
    /// Take `config.json`, the tokenizer and the other files of a model folder output from this
    /// model folder instead of the first input.
    public var configFrom: String?
    /// Write the output although the model folders' `config.json` differ in more than names and
    /// dtypes (`ModelConfig.keysAllowedToDiffer`).
    public var allowConfigDifferences: Bool

    /// Options with every choice left at its default.
    public init(configFrom: String? = nil, allowConfigDifferences: Bool = false) {
        self.configFrom = configFrom
        self.allowConfigDifferences = allowConfigDifferences
    }
}
