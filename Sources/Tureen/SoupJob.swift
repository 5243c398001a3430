import Soup
import TureenCore

/// A soup from paths to a path: opens the ingredients (any mix of formats), checks them, runs the
/// streaming executor and writes the result atomically in the format of the output's extension.
public struct SoupJob {
    /// The ingredient checkpoints.
    public var ingredients: [String]
    /// The base model, for base-relative recipes.
    public var base: String?
    /// What to compute.
    public var recipe: SoupRecipe
    /// Recipes for single floating-point tensors, by name, in place of `recipe` (per-tensor weights).
    public var tensorRecipes: [String: SoupRecipe] = [:]
    /// How to treat dtypes, integers, missing tensors and non-finite values.
    public var options = SoupOptions()
    /// The output path.
    public var output: String
    /// Writer options (shards, compression, layout).
    public var writeOptions = WriteOptions()
    /// Reader options.
    public var readOptions = ReadOptions()
    /// Replace an existing output.
    public var force = false

    /// Describes a soup of `ingredients` into `output`.
    public init(ingredients: [String], recipe: SoupRecipe, output: String) {
        self.ingredients = ingredients
        self.recipe = recipe
        self.output = output
    }

    /// What a finished soup did.
    public struct Report {
        /// The tensors written, merged and copied.
        public let mergedTensors: Int
        public let copiedTensors: Int
        /// Tensors left out because some ingredients lack them.
        public let skipped: [MissingTensor]
        /// Inputs that store merged tensors in another float dtype than the first ingredient.
        public let mixedPrecision: [MixedPrecision]
        /// The rule that chose each merged tensor's output dtype.
        public let outputDType: OutputDTypeRule
        /// NaN and ±Inf counts.
        public let nonFinite: NonFiniteCount
        /// Parameters and bytes written.
        public let parameters: Int
        public let outputBytes: Int
    }

    /// Runs the soup; `progress` receives (input bytes done, input bytes in all).
    ///
    /// - Throws: reader errors naming the file, `SoupError` for incompatible ingredients or bad
    ///   weights (before anything is written), writer errors; nothing is left at `output` on failure.
    public func run(registry: FormatRegistry = .standard, progress: ((Int, Int) -> Void)? = nil) throws -> Report {
        let stores = try ingredients.map { try registry.open($0, options: readOptions) }
        let writer = try registry.writer(for: output, firstInput: stores.first).writer
        let baseStore = try base.map { try registry.open($0, options: readOptions) }
        try OutputPolicy.check(output: output, inputs: stores + (baseStore.map { [$0] } ?? []), force: force)
        let plan = try SoupPlan.make(ingredients: stores, base: baseStore, recipe: recipe, options: options)
        try plan.check(tensorRecipes: tensorRecipes, recipe: recipe)
        let producer = SoupProducer(plan: plan, recipe: recipe, options: options, metadata: stores[0].metadata)
        producer.tensorRecipes = tensorRecipes
        producer.onProgress = progress.map { progressCounter(total: producer.totalInputBytes, report: $0) }
        try writer.write(producer, to: output, options: writeOptions)
        return Report(plan: plan, producer: producer, options: options)
    }
}

extension SoupJob.Report {
    /// The report of `producer`'s run of `plan`.
    init(plan: SoupPlan, producer: SoupProducer, options: SoupOptions) {
        self.init(
            mergedTensors: plan.entries.filter(\.isMerged).count,
            copiedTensors: plan.entries.filter { !$0.isMerged }.count,
            skipped: plan.skipped,
            mixedPrecision: plan.mixedPrecision,
            outputDType: options.outputDType,
            nonFinite: producer.nonFinite,
            parameters: plan.entries.reduce(0) { $0 + $1.output.elementCount },
            outputBytes: plan.entries.reduce(0) { $0 + $1.output.byteCount }
        )
    }
}
