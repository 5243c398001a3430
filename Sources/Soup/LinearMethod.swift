/// Linear merge and task arithmetic: no first pass; each tensor's parameters become a linear soup
/// recipe and the soup's kernel computes it.
///
/// Task arithmetic divides by Σ wᵢ only when normalising, and then, as mergekit does, not when
/// |Σ wᵢ| < 1e-8 (the combined task vector is used as it is). A linear merge without normalising
/// is Σ wᵢθᵢ, whatever the weights sum to.
struct LinearMethod: TensorMergeMethod {
    let isBaseRelative: Bool

    func prepare(_ entry: SoupPlan.Entry, parameters: MergeRecipe.Parameters, passes: StatisticsPass) throws -> PreparedTensor {
        let name = entry.output.name
        let recipe: SoupRecipe
        do {
            if isBaseRelative {
                let sum = parameters.weights.reduce(0, +)
                let divisor = parameters.normalize && sum.magnitude >= 1e-8 ? sum : 1
                recipe = try SoupRecipe(weights: parameters.weights, divisor: divisor, baseRelative: .init(scale: parameters.scale))
            } else if parameters.normalize {
                recipe = try SoupRecipe.weighted(parameters.weights, normalize: true)
            } else {
                // Σ wᵢθᵢ as given, as mergekit computes it: weights summing to zero (a difference of
                // models) are a combination, not a mean to refuse.
                recipe = try SoupRecipe(combining: parameters.weights)
            }
        } catch let error as SoupError {
            var reason = error.description
            if case .invalidWeights(.weightsSumToZero(normalizing: true, _)) = error { reason += "; with normalize: false they are combined as given" }
            throw MergeError.invalidParameters(tensor: name, reason: reason)
        }
        return PreparedTensor(kernel: LinearMergeKernel(recipe: recipe, inputTypes: entry.sourceTypes, outputType: entry.output.dtype))
    }
}
