import MergeConfig
import Soup
import TureenCore

/// A merge from paths to a path (`tureen merge`): opens the models (any mix of formats), checks
/// them, runs the method's first passes over every tensor it writes, then the streaming executor,
/// and writes the result atomically in the format of the output's extension (or, partitioned, one
/// task's share of its shards).
public struct MergeJob {
    /// Where the recipe comes from: given, or resolved per tensor from a mergekit configuration once
    /// the tensor names are known.
    public enum RecipeSource {
        case recipe(MergeRecipe)
        case configuration(MergeConfiguration)
    }

    /// The models merged (the base model left out).
    public var ingredients: [String]
    /// The base model θ0, for the methods that use one.
    public var base: String?
    public var recipeSource: RecipeSource
    /// Output dtype, integer tensors, missing tensors, non-finite values, threads.
    public var options = SoupOptions()
    public var output: String
    public var writeOptions = WriteOptions()
    public var readOptions = ReadOptions()
    /// Replace an existing output (partitioned: replace files at this task's shard names that no manifest of its plan lists).
    public var force = false
    /// Where a model folder output takes its other files from, and whether configurations may differ.
    public var modelFolder = ModelFolderOptions()
    /// Hears what the user should know: which weights a model folder was read from, files not copied.
    public var onNote: ((String) -> Void)?
    /// The seed of DARE's masks for a configuration's merge (a `MergeRecipe` carries its own).
    public var seed: UInt64 = 0
    /// Files read besides the models (the configuration's), which the output must not replace.
    public var sideInputs: [String] = []
    /// Write only this task's share of a sharded safetensors output, into a folder every task shares
    /// (`PartitionIndexJob` then writes the index); the first passes read only that share's tensors.
    public var partition: Partition?

    /// A merge of `ingredients` (and `base`) by `recipe` into `output`.
    public init(ingredients: [String], base: String?, recipe: MergeRecipe, output: String) {
        self.ingredients = ingredients
        self.base = base
        self.recipeSource = .recipe(recipe)
        self.output = output
    }

    /// The merge a mergekit configuration describes, into `output`; its `out_dtype` (or `dtype`)
    /// sets the output dtype.
    public init(configuration: MergeConfiguration, output: String) {
        self.ingredients = configuration.ingredients
        self.base = configuration.base
        self.recipeSource = .configuration(configuration)
        self.output = output
        self.sideInputs = [configuration.path]
        if let dtype = configuration.outputDType { options.outputDType = .fixed(dtype) }
    }

    /// What a finished merge did.
    public struct Report {
        /// Tensors written, skipped, non-finite counts: as for a soup.
        public let soup: SoupJob.Report
        /// What the method's first passes found, per tensor (Model Stock's t, SLERP's angle); when
        /// partitioned, for this task's tensors only.
        public let statistics: [MergedTensorStatistics]
        /// The models as the plan holds them, in the order of `soup.nonFinite.perIngredient` (SLERP's
        /// base is its first), and the base the plan merges relative to, if any.
        public let plannedModels: (ingredients: [String], base: String?)
    }

    /// Runs the merge; `progress` receives (input bytes done, input bytes in all), the first passes
    /// included: for TIES and DARE also from the thread running their first passes while the merge
    /// writes, one call at a time.
    ///
    /// - Throws: reader errors naming the file (for TIES and DARE, whose first passes run while
    ///   earlier tensors are written, possibly once writing has begun), `MergeConfigurationError`
    ///   for parameters that do not fit the models, `MergeError` and `SoupError` (all before
    ///   anything is written), writer errors; nothing is left at `output` on failure.
    public func run(registry: FormatRegistry = .standard, progress: ((Int, Int) -> Void)? = nil) throws -> Report {
        try registry.checkWriter(for: output, options: writeOptions)  // before any input is read
        if case let .configuration(configuration) = recipeSource { try configuration.checkModelsExist(ingredients + (base.map { [$0] } ?? [])) }
        let ingredientStores = try ingredients.map { try registry.open($0, options: readOptions) }
        let baseStore = try base.map { try registry.open($0, options: readOptions) }
        let inputs = ingredientStores + (baseStore.map { [$0] } ?? [])
        let recipe = try resolvedRecipe(
            tensorNames: (ingredientStores.first ?? baseStore)?.tensors.map(\.info.name) ?? [], layerNames: Self.tensorNames(of: inputs))
        let destination = try makeOutput(inputs: inputs, sideInputs: sideInputs, registry: registry) { planID(recipe: recipe, ingredients: ingredientStores, base: baseStore) }
        let planned = try recipe.method.ingredientsAndBase(ingredients: ingredientStores, base: baseStore)
        let planRecipe = try SoupRecipe.uniform(count: planned.ingredients.count, baseRelative: planned.base == nil ? nil : .init(scale: 1))
        let plan = try SoupPlan.make(ingredients: planned.ingredients, base: planned.base, recipe: planRecipe, options: options)
        let producer = SoupProducer(plan: plan, recipe: planRecipe, options: options, metadata: planned.ingredients[0].metadata)
        let written = destination.writtenTensorIndices(of: producer.tensors)
        // Each first pass reads every merged tensor once more (the copied ones are few and small).
        let total = producer.inputBytes(ofTensorsAt: written) * (1 + recipe.firstPasses)
        let report = progress.map { progressCounter(total: total, report: $0) }
        let preparation = try MergePreparation(plan: plan, recipe: recipe, options: options, entryIndices: Set(written), onProgress: report)
        let plannedModels = try recipe.method.ingredientsAndBase(ingredients: ingredients, base: base)
        producer.preparedKernels = preparation.kernels
        producer.inputNames = InputNames(ingredients: plannedModels.ingredients, base: plannedModels.base)
        producer.onProgress = report
        let partitionReport = try write(producer, to: destination)
        return Report(
            soup: SoupJob.Report(plan: plan, written: written, producer: producer, options: options, partition: partitionReport), statistics: preparation.statistics,
            plannedModels: plannedModels)
    }

    /// The plan id of a partitioned merge: the method and every tensor's parameters (filters and
    /// gradients resolved), the seed, the options that change the output's bytes, the inputs.
    private func planID(recipe: MergeRecipe, ingredients: [TensorStore], base: TensorStore?) -> String {
        planID(job: "merge", ingredients: ingredients, base: base) { identity in
            identity.add(recipe.method.rawValue, "seed \(recipe.seed)", "\(recipe.parameters)")
            for (name, parameters) in recipe.tensorParameters.sorted(by: { $0.key < $1.key }) { identity.add("tensor parameters", name, "\(parameters)") }
        }
    }

    /// Every tensor name of `stores`, each once, in the order the first store holding it has it: the
    /// layers counted for a configuration's gradients are every input's (a tensor one model lacks,
    /// skipped with `skipMissingTensors`, moves no other's layer position).
    private static func tensorNames(of stores: [TensorStore]) -> [String] {
        var seen = Set<String>()
        return stores.flatMap { $0.tensors.map(\.info.name) }.filter { seen.insert($0).inserted }
    }

    private func resolvedRecipe(tensorNames: [String], layerNames: [String]) throws -> MergeRecipe {
        switch recipeSource {
        case let .recipe(recipe): return recipe
        case let .configuration(configuration):
            var recipe = try configuration.recipe(tensorNames: tensorNames, layerNames: layerNames)
            recipe.seed = seed
            return recipe
        }
    }
}
