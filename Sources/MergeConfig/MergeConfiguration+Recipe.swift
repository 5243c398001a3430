import Soup

extension MergeConfiguration {
    /// The words `rescale` takes besides true (mergekit's L1-norm rescale) and false.
    static let rescaleWords: [String: MergeRecipe.Rescale] = ["density": .density]

    /// The recipe for a model whose tensors are `tensorNames`: each tensor's parameters resolved as
    /// mergekit resolves them (a model's own setting, then the global one, then the default; a
    /// setting's first matching filter; gradients interpolated at the tensor's layer position).
    ///
    /// Layer positions count the layers among `layerNames` (by default `tensorNames`): give every
    /// input's names, so that a tensor one model lacks (`--skip-missing`) moves no other's position.
    ///
    /// - Throws: `MergeConfigurationError.missingParameter` for a required parameter without a
    ///   value (`weight`, SLERP's `t`), `.invalidValue` for a value of the wrong kind,
    ///   `.gradientWithoutLayers` for a gradient where no tensor name has a layer index.
    public func recipe(tensorNames: [String], layerNames: [String]? = nil) throws -> MergeRecipe {
        let ingredientModels = mergedModels
        let positions = LayerPosition(tensorNames: layerNames ?? tensorNames)
        if !positions.hasLayers, let key = firstGradientKey {
            throw MergeConfigurationError.gradientWithoutLayers(path: path, key: key)
        }
        var recipe = MergeRecipe(method: method, parameters: MergeRecipe.Parameters(method: method, ingredientCount: ingredientModels.count))
        for name in tensorNames {
            let resolver = TensorParameterResolver(configuration: self, tensor: name, t: positions.t(forTensor: name))
            var tensor = recipe.parameters
            let usesWeights = Self.parameterNames(of: method).perModel.contains("weight")
            if usesWeights {
                tensor.weights = try ingredientModels.map { try resolver.number("weight", model: $0, default: nil) }
                tensor.densities = try ingredientModels.map { try resolver.number("density", model: $0, default: 1) }
                tensor.normalize = try resolver.boolean("normalize", default: tensor.normalize)
            }
            tensor.scale = try resolver.number("lambda", model: nil, default: 1)
            tensor.rescale = try resolver.rescale(default: tensor.rescale)
            if method == .slerp { tensor.t = try resolver.number("t", model: nil, default: nil) }
            recipe.tensorParameters[name] = tensor
        }
        return recipe
    }
}

extension MergeConfiguration {
    /// The key of the first parameter given as a gradient of more than one value (in a condition's
    /// value too), the models' parameters first; nil if none is.
    var firstGradientKey: String? {
        let settings = models.enumerated().flatMap { model in
            model.element.parameters.map { ("models[\(model.offset)].parameters.\($0.key)", $0.value) }
        } + parameters.map { ("parameters.\($0.key)", $0.value) }
        return settings.sorted { $0.0 < $1.0 }.first { Self.isGradient($0.1) }?.0
    }

    private static func isGradient(_ setting: ParameterSetting) -> Bool {
        switch setting {
        case let .gradient(values): values.count > 1
        case let .conditions(conditions): conditions.contains { isGradient($0.value) }
        case .number, .boolean, .word: false
        }
    }
}

/// Looks up one tensor's parameters in a configuration.
private struct TensorParameterResolver {
    let configuration: MergeConfiguration
    let tensor: String
    let t: Double

    func value(_ name: String, model: MergeConfiguration.Model?) -> ParameterSetting.Value? {
        model?.parameters[name]?.value(forTensor: tensor, at: t) ?? configuration.parameters[name]?.value(forTensor: tensor, at: t)
    }

    func number(_ name: String, model: MergeConfiguration.Model?, default fallback: Double?) throws -> Double {
        switch value(name, model: model) {
        case let .number(number): return number
        case .boolean, .word: throw MergeConfigurationError.invalidValue(path: configuration.path, key: name, expected: "a number")
        case nil:
            guard let fallback else { throw MergeConfigurationError.missingParameter(path: configuration.path, parameter: name, model: model?.path, tensor: tensor) }
            return fallback
        }
    }

    func boolean(_ name: String, default fallback: Bool) throws -> Bool {
        switch value(name, model: nil) {
        case let .boolean(boolean): return boolean
        case .number, .word: throw MergeConfigurationError.invalidValue(path: configuration.path, key: name, expected: "true or false")
        case nil: return fallback
        }
    }

    /// `rescale`: true is mergekit 0.1's L1-norm rescale, false none, or a word of `rescaleWords`.
    func rescale(default fallback: MergeRecipe.Rescale) throws -> MergeRecipe.Rescale {
        switch value("rescale", model: nil) {
        case let .boolean(boolean): return boolean ? .l1Norm : .none
        case let .word(word): if let rescale = MergeConfiguration.rescaleWords[word] { return rescale }
        case .number: break
        case nil: return fallback
        }
        let expected = ParameterKind.of("rescale").expected(conditions: false)
        throw MergeConfigurationError.invalidValue(path: configuration.path, key: "rescale", expected: expected)
    }
}
