import Soup

extension MergeConfiguration {
    /// The parameters each method reads, as mergekit 0.1.5 defines them: per model (`weight`,
    /// `density`, also accepted globally as every model's default) or global only.
    static func parameterNames(of method: MergeRecipe.Method) -> (perModel: Set<String>, global: Set<String>) {
        switch method {
        case .linear: return (["weight"], ["normalize"])
        case .taskArithmetic: return (["weight"], ["normalize", "lambda"])
        case .ties, .dareLinear, .dareTies: return (["weight", "density"], ["normalize", "lambda", "rescale"])
        case .slerp: return ([], ["t"])
        case .modelStock: return ([], ["filter_wise"])
        }
    }

    /// Refuses every parameter the method does not read, and the ones Tureen does not support.
    func checkParameterNames() throws {
        let names = Self.parameterNames(of: method)
        for (index, model) in models.enumerated() {
            for name in model.parameters.keys.sorted() where !names.perModel.contains(name) {
                let reason = names.global.contains(name)
                    ? "'\(name)' is a global parameter; give it under the top-level 'parameters'"
                    : "merge method '\(method.rawValue)' does not use it"
                throw MergeConfigurationError.unsupportedKey(path: path, key: "models[\(index)].parameters.\(name)", reason: reason)
            }
        }
        for name in parameters.keys.sorted() {
            if name == "int8_mask" {
                throw MergeConfigurationError.unsupportedKey(path: path, key: "parameters.int8_mask", reason: "it stores mergekit's TIES sign mask in 8 bits to save memory; Tureen holds no mask, so it has no meaning here (remove it)")
            }
            if name == "filter_wise", method == .modelStock, parameters[name] != .boolean(false) {
                throw MergeConfigurationError.unsupportedKey(path: path, key: "parameters.filter_wise", reason: "Model Stock per row (filter_wise: true) is not supported; Tureen computes one t per tensor")
            }
            guard names.perModel.contains(name) || names.global.contains(name) else {
                throw MergeConfigurationError.unsupportedKey(path: path, key: "parameters.\(name)", reason: "merge method '\(method.rawValue)' does not use it")
            }
        }
    }

    /// Refuses a base model the method does not use, a method that needs one without it,
    /// parameters on the base model's own entry of `models`, which such a method leaves out, and a
    /// number of other models the method cannot merge.
    func checkBaseAndModelCount() throws {
        if method.needsBase, baseModel == nil {
            throw MergeConfigurationError.missingKey(path: path, key: "base_model")
        }
        if method.needsBase, let index = baseEntries.sorted().first(where: { !models[$0].parameters.isEmpty }) {
            throw MergeConfigurationError.unsupportedKey(
                path: path, key: "models[\(index)].parameters",
                reason: "models[\(index)] is the base model, which '\(method.rawValue)' leaves out of the models it merges (as mergekit does), so its parameters would not be used; remove them")
        }
        if !method.needsBase, baseModel != nil, baseEntries.isEmpty {
            throw MergeConfigurationError.unsupportedKey(path: path, key: "base_model", reason: "merge method '\(method.rawValue)' uses no base model; list it under 'models' with a weight to merge it")
        }
        // The method's own count of models (the merge checks it too, once the models are open),
        // refused here naming the file.
        do {
            _ = try method.ingredientsAndBase(ingredients: mergedModels.map(\.path), base: base)
        } catch let MergeError.ingredientCount(_, expected, given) {
            throw MergeConfigurationError.invalidValue(
                path: path, key: "models", expected: "\(expected) besides the base model for '\(method.rawValue)'; \(given) \(given == 1 ? "is" : "are") listed")
        }
    }
}
