/// Why a Hugging Face model folder was refused or could not be written. Every case names the
/// folder or file.
public enum HuggingFaceError: Error, CustomStringConvertible, Equatable {
    /// The folder has a `config.json` but none of the weight files transformers loads.
    case noWeights(folder: String, lookedFor: [String])
    /// `config.json` is not a JSON object, or is too large to be a configuration.
    case badConfig(path: String, detail: String)
    /// Two model folders' `config.json` disagree in keys other than names and dtypes.
    case configsDiffer(reference: String, other: String, keys: [String])
    /// A folder given for the configuration has no `config.json`.
    case notAModelFolder(path: String)
    /// A configuration folder was given, but the output is no model folder (an input is not one,
    /// or the output is a file).
    case configFolderUnused(output: String)

    public var description: String {
        switch self {
        case let .noWeights(folder, lookedFor):
            return "\(folder): the folder has a config.json but no weights; expected one of \(lookedFor.joined(separator: ", "))"
        case let .badConfig(path, detail):
            return "\(path): not a model configuration: \(detail)"
        case let .configsDiffer(reference, other, keys):
            let listed = keys.prefix(12).joined(separator: ", ") + (keys.count > 12 ? ", … (\(keys.count) keys)" : "")
            return "\(other): config.json differs from \(reference)'s in \(listed); the models may not share an architecture"
        case let .notAModelFolder(path):
            return "\(path): not a model folder (it has no config.json)"
        case let .configFolderUnused(output):
            return "\(output): a configuration folder was given, but the output is not a model folder: that needs every input to be a model folder (config.json beside the weights) and the output to be a folder"
        }
    }
}
