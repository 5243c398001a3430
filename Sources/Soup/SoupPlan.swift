import Compare
import TureenCore

/// A tensor that some models have and others lack.
public struct MissingTensor: Sendable, Equatable {
    /// The tensor's name.
    public let name: String
    /// The locations of the models that lack it.
    public let missingFrom: [String]
}

/// Merged tensors that one input stores in another float dtype than the first ingredient does: they
/// are read in their own dtype (and accumulated in Float64 like every input).
public struct MixedPrecision: Sendable, Equatable {
    /// The ingredient's position (0-based), or nil for the base model.
    public let ingredient: Int?
    /// The dtype that input stores them in.
    public let storedAs: DType
    /// The dtype the first ingredient stores them in.
    public let firstIngredientStoresAs: DType
    /// How many merged tensors it stores that way.
    public let tensorCount: Int
}

/// The checked, tensor-by-tensor plan of a soup: for each output tensor, its inputs in every
/// ingredient (and the base), and whether it is merged or copied. Building it performs every check
/// that must pass before a byte is written.
public struct SoupPlan {
    /// One output tensor.
    public struct Entry {
        /// The tensor as written (output dtype applied).
        public let output: TensorInfo
        /// The tensor in each ingredient, in ingredient order.
        public let inputs: [StoredTensor]
        /// The tensor in the base model, for base-relative soups.
        public let base: StoredTensor?
        /// True for floating-point and complex tensors (merged by the recipe); false for integer and
        /// bool tensors (copied from the first ingredient).
        public let isMerged: Bool
    }

    /// Output tensors in the first ingredient's order.
    public let entries: [Entry]
    /// Tensors left out because some ingredients lack them (only with `skipMissingTensors`).
    public let skipped: [MissingTensor]
    /// Where inputs store merged tensors in another float dtype than the first ingredient, per input and dtype.
    public let mixedPrecision: [MixedPrecision]

    /// Checks the ingredients against each other (and the base) and plans the soup.
    ///
    /// Floating-point tensors may be stored in different float dtypes (each is read in its own); the
    /// same classification as `tureen check` decides what is a different architecture.
    ///
    /// - Throws: `SoupError.incompatibleIngredients` with a grouped report of missing tensors and
    ///   shape differences, or dtype differences other than between real float dtypes; `.weightCountMismatch`; `.missingBase`; `.integerTensorsDiffer`
    ///   when integer or bool tensors differ and the policy requires them identical.
    public static func make(
        ingredients: [TensorStore], base: TensorStore?, recipe: SoupRecipe, options: SoupOptions
    ) throws -> SoupPlan {
        guard !ingredients.isEmpty else { throw SoupError.noIngredients }
        guard recipe.weights.count == ingredients.count else {
            throw SoupError.weightCountMismatch(weights: recipe.weights.count, ingredients: ingredients.count)
        }
        if recipe.baseRelative != nil, base == nil { throw SoupError.missingBase }
        let models = ingredients + (recipe.baseRelative != nil ? [base!] : [])
        let comparison = try ArchitectureComparison(stores: models, dtypePolicy: .floatingPointMayDiffer)
        let blocking = comparison.blockingDifferences
        let missing: [MissingTensor] = blocking.compactMap { difference in
            guard case let .missing(name, lacking) = difference else { return nil }
            return MissingTensor(name: name, missingFrom: lacking.map { models[$0].location })
        }
        if blocking.count > missing.count || (!missing.isEmpty && !options.skipMissingTensors), let mismatch = ArchitectureMismatch(comparison) {
            throw SoupError.incompatibleIngredients(mismatch)
        }
        let skippedNames = Set(missing.map(\.name))
        var entries: [Entry] = []
        for first in ingredients[0].tensors where !skippedNames.contains(first.info.name) {
            let name = first.info.name
            let inputs = ingredients.map { $0.tensor(named: name)! }
            let baseTensor = recipe.baseRelative != nil ? base!.tensor(named: name) : nil
            let isMerged = !first.info.dtype.isIntegerOrBool
            var output = first.info
            if isMerged, first.info.dtype.isFloatingPoint {
                output = try first.info.withDType(options.outputDType.dtype(forIngredientDTypes: inputs.map(\.info.dtype)))
            }
            entries.append(Entry(output: output, inputs: inputs, base: baseTensor, isMerged: isMerged))
        }
        if options.integerPolicy == .requireIdentical {
            for entry in entries where !entry.isMerged {
                try IntegerTensorCheck.requireIdentical(entry.inputs + (entry.base.map { [$0] } ?? []), locations: models.map(\.location))
            }
        }
        return SoupPlan(entries: entries, skipped: missing, mixedPrecision: mixedPrecision(in: entries))
    }

    /// Counts, per input, dtype and the first ingredient's dtype, the merged tensors stored in another dtype than the first ingredient's.
    private static func mixedPrecision(in entries: [Entry]) -> [MixedPrecision] {
        var counts: [String: (ingredient: Int?, dtype: DType, reference: DType, count: Int)] = [:]
        var order: [String] = []
        for entry in entries where entry.isMerged {
            let reference = entry.inputs[0].info.dtype
            let stored = entry.inputs.enumerated().map { (Optional($0.offset), $0.element.info.dtype) }
                + (entry.base.map { [(nil, $0.info.dtype)] } ?? [])
            for (ingredient, dtype) in stored where dtype != reference {
                let key = "\(ingredient.map(String.init) ?? "base") \(dtype) \(reference)"
                if counts[key] == nil { order.append(key) }
                counts[key, default: (ingredient, dtype, reference, 0)].count += 1
            }
        }
        return order.compactMap { counts[$0] }.map {
            MixedPrecision(ingredient: $0.ingredient, storedAs: $0.dtype, firstIngredientStoresAs: $0.reference, tensorCount: $0.count)
        }
    }
}
