import Soup
import TureenCore
import Yams

/// A mergekit merge configuration (mergekit 0.1.5's YAML): the models, the base model, the method,
/// its parameters and the dtypes. Keys Tureen does not support are refused, naming the key; none is
/// ignored. Model paths are used as written: relative ones are relative to the current folder, as
/// in mergekit.
public struct MergeConfiguration: Sendable {
    /// One entry of `models`.
    public struct Model: Sendable, Equatable {
        /// The checkpoint: a file or a folder in any format Tureen reads.
        public let path: String
        /// Its own parameters (`weight`, `density`), which take precedence over the global ones.
        public let parameters: [String: ParameterSetting]
    }

    /// The file the configuration was read from (for messages).
    public let path: String
    public let method: MergeRecipe.Method
    public let models: [Model]
    /// `base_model`.
    public let baseModel: String?
    /// The global `parameters`.
    public let parameters: [String: ParameterSetting]
    /// `dtype`: the dtype mergekit computes in; Tureen computes in Float64 and uses it as the output
    /// dtype when `out_dtype` is not given (mergekit writes its results in it).
    public let dtype: DType?
    /// `out_dtype`.
    public let outDType: DType?

    /// The dtype of the merged tensors the configuration asks for, if any.
    public var outputDType: DType? { outDType ?? dtype }

    /// The models merged besides the base: every model for `linear`, the models other than
    /// `base_model` for the methods that use a base (mergekit leaves the base out of them too).
    public var ingredients: [String] { mergedModels.map(\.path) }

    /// The base model the method merges relative to: `base_model` for the methods that use one;
    /// none for `linear`, which merges a `base_model` only as one of its models.
    public var base: String? { method.needsBase ? baseModel : nil }

    /// The entries of `models` merged besides the base.
    var mergedModels: [Model] {
        models.indices.filter { !method.needsBase || !baseEntries.contains($0) }.map { models[$0] }
    }

    /// The indices of the entries of `models` that are `base_model`, found once when the
    /// configuration is read.
    let baseEntries: Set<Int>

    /// Refuses mergekit's `model+adapter` form (a model with a LoRA adapter applied), unless a
    /// file or folder has the name as written.
    private func refuseAdapterForms() throws {
        for (key, model) in modelKeys where model.contains("+") && FileSystem.identity(of: model) == nil {
            throw MergeConfigurationError.unsupportedKey(path: path, key: key, reason: "'\(model)' is mergekit's model+LoRA form (a model with a LoRA adapter applied), and no file or folder has that name; Tureen merges whole checkpoints: merge the adapter into its model first (peft's merge_and_unload) and give the result")
        }
    }

    /// Each model path with the key that gives it (`models[0].model`, `base_model`).
    private var modelKeys: [(key: String, path: String)] {
        models.enumerated().map { ("models[\($0.offset)].model", $0.element.path) } + (baseModel.map { [("base_model", $0)] } ?? [])
    }

    /// Refuses a model path of `models` (the merge's, as the configuration gives them or changed
    /// since) that names nothing, naming the configuration's key for it (`models`, if it is not
    /// the configuration's) and where a relative path was looked for. Checked when the merge
    /// runs, not when the configuration is read.
    ///
    /// - Throws: `MergeConfigurationError.modelNotFound`.
    public func checkModelsExist(_ models: [String]) throws {
        for model in models where FileSystem.identity(of: model) == nil {
            let key = modelKeys.first { $0.path == model }?.key ?? "models"
            throw MergeConfigurationError.modelNotFound(path: path, key: key, model: model, folder: FileSystem.realPath(".") ?? ".")
        }
    }

    /// The indices of the entries of `models` that name `baseModel`, however either path is spelled
    /// (the same file or folder, links followed).
    private static func entries(of models: [Model], naming baseModel: String?) -> Set<Int> {
        guard let baseModel else { return [] }
        let base = FileSystem.identity(of: baseModel)
        return Set(models.indices.filter { index in
            let path = models[index].path
            if path == baseModel { return true }
            guard let base, let model = FileSystem.identity(of: path) else { return false }
            return model == base
        })
    }

    /// The parser's message with each line cut to 160 characters: it quotes the
    /// offending line, which may be any length, under a caret line as long (left out when cut).
    private static func shortened(_ message: String) -> String {
        let limit = 160
        return message.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> String? in
            guard line.count > limit else { return String(line) }
            if line.allSatisfy({ $0 == " " || $0 == "^" }) { return nil }
            return line.prefix(limit) + "…"
        }.joined(separator: "\n")
    }

    /// Parses and checks a configuration; `path` names it in messages.
    ///
    /// - Throws: `MergeConfigurationError`.
    public init(yaml: String, path: String) throws {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw MergeConfigurationError.notYAML(path: path, problem: Self.shortened("\(error)"))
        }
        guard let mapping = root?.mapping else { throw MergeConfigurationError.notYAML(path: path, problem: "the document is not a mapping of keys") }
        let reader = ConfigurationReader(path: path)
        var visited = 0
        if let root { try reader.refuseForeignTags(root, at: "", visited: &visited) }
        let keys = try reader.keyedValues(mapping, at: "")
        try reader.refuseUnsupported(keys)
        guard let methodNode = keys["merge_method"] else { throw MergeConfigurationError.missingKey(path: path, key: "merge_method") }
        method = try reader.method(methodNode)
        guard let modelsNode = keys["models"] else { throw MergeConfigurationError.missingKey(path: path, key: "models") }
        models = try reader.models(modelsNode)
        // The optional keys may be null, meaning absent, as in mergekit.
        baseModel = try reader.present(keys["base_model"]).map { try reader.string($0, at: "base_model") }
        parameters = try reader.present(keys["parameters"]).map { try reader.parameters($0, at: "parameters") } ?? [:]
        dtype = try reader.present(keys["dtype"]).map { try reader.dtype($0, at: "dtype") }
        outDType = try reader.present(keys["out_dtype"]).map { try reader.dtype($0, at: "out_dtype") }
        baseEntries = Self.entries(of: models, naming: baseModel)
        self.path = path
        try refuseAdapterForms()
        try checkParameterNames()
        try checkBaseAndModelCount()
    }
}
