/// Why a mergekit configuration was refused. Each case names the file and the key.
public enum MergeConfigurationError: Error, CustomStringConvertible, Equatable {
    /// The file cannot be read.
    case cannotRead(path: String, reason: String)
    /// The file is not YAML; `problem` is the parser's message.
    case notYAML(path: String, problem: String)
    /// A key Tureen does not support, with why.
    case unsupportedKey(path: String, key: String, reason: String)
    /// A key that must be present is missing.
    case missingKey(path: String, key: String)
    /// A value of the wrong kind or out of range.
    case invalidValue(path: String, key: String, expected: String)
    /// A parameter has no value for a tensor (no filter matched, and no default); `model` is the
    /// model's path for a parameter each model has.
    case missingParameter(path: String, parameter: String, model: String?, tensor: String)
    /// The model path `model` given by `key` names no file or folder; relative paths are read from `folder`.
    case modelNotFound(path: String, key: String, model: String, folder: String)
    /// `key` holds a gradient (a list of values over the layers), but no tensor name has a layer index.
    case gradientWithoutLayers(path: String, key: String)

    public var description: String {
        switch self {
        case let .cannotRead(path, reason):
            return "\(path): cannot read the merge configuration: \(reason)"
        case let .notYAML(path, problem):
            return "\(path): not a YAML merge configuration: \(problem)"
        case let .unsupportedKey(path, key, reason):
            return "\(path): '\(key)' is not supported: \(reason)"
        case let .missingKey(path, key):
            return "\(path): '\(key)' is missing"
        case let .invalidValue(path, key, expected):
            return "\(path): '\(key)' must be \(expected)"
        case let .missingParameter(path, parameter, model?, tensor):
            return "\(path): parameter '\(parameter)' of model \(model) has no value for tensor '\(tensor)': "
                + "give it in the model's parameters or in the global ones (without a filter, or with one that matches the tensor)"
        case let .modelNotFound(path, key, model, folder):
            let relative = model.hasPrefix("/") ? "" : " (a relative path is read from the current folder, \(folder), as mergekit reads it)"
            return "\(path): '\(key)' is \(model), which names no file or folder\(relative); Tureen reads models from disk and downloads none"
        case let .gradientWithoutLayers(path, key):
            return "\(path): '\(key)' is a gradient over the layers (a list of values), but no tensor name has a layer index "
                + "(layers.N., as in model.layers.0.mlp.weight), so every tensor would take its first value; give one value, or values per tensor with 'filter'"
        case let .missingParameter(path, parameter, nil, tensor):
            return "\(path): parameter '\(parameter)' has no value for tensor '\(tensor)': "
                + "give it in the global parameters (without a filter, or with one that matches the tensor)"
        }
    }
}
