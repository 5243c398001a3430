import Soup
import TureenCore

/// Runs a soup of `ingredients` and returns every output tensor's bytes by name.
func runSoup(
    _ ingredients: [TensorStore], base: TensorStore? = nil, recipe: SoupRecipe, options: SoupOptions = SoupOptions()
) throws -> [String: [UInt8]] {
    let plan = try SoupPlan.make(ingredients: ingredients, base: base, recipe: recipe, options: options)
    let producer = SoupProducer(plan: plan, recipe: recipe, options: options, metadata: [:])
    var result: [String: [UInt8]] = [:]
    for (index, info) in producer.tensors.enumerated() {
        var bytes: [UInt8] = []
        try producer.produce(tensorAt: index) { bytes += $0 }
        result[info.name] = bytes
    }
    return result
}
