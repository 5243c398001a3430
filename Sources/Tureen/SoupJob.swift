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
    /// Replace an existing output (partitioned: replace files at this task's shard names that no manifest of its plan lists).
    public var force = false
    /// Where a model folder output takes its other files from, and whether configurations may differ.
    public var modelFolder = ModelFolderOptions()
    /// Hears what the user should know: which weights a model folder was read from, files not copied.
    public var onNote: ((String) -> Void)?
    /// Write only this task's share of a sharded safetensors output, into a folder every task shares
    /// (`PartitionIndexJob` then writes the index).
    public var partition: Partition?
    /// Files read besides the checkpoints (a weights file), which the output must not replace.
    public var sideInputs: [String] = []

    /// Describes a soup of `ingredients` into `output`.
    public init(ingredients: [String], recipe: SoupRecipe, output: String) {
        self.ingredients = ingredients
        self.recipe = recipe
        self.output = output
    }

    /// What a finished soup did.
    public struct Report {
        /// The tensors written, merged and copied (when partitioned: by this task, as every figure here).
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
        /// Parameters and bytes of the tensors written.
        public let parameters: Int
        public let outputBytes: Int
        /// What this task wrote, when partitioned.
        public let partition: PartitionReport?
    }

    /// Runs the soup; `progress` receives (input bytes done, input bytes in all).
    ///
    /// - Throws: reader errors naming the file, `SoupError` for incompatible ingredients or bad
    ///   weights (before anything is written), writer errors; nothing is left at `output` on failure.
    public func run(registry: FormatRegistry = .standard, progress: ((Int, Int) -> Void)? = nil) throws -> Report {
        try registry.checkWriter(for: output, options: writeOptions)  // before any input is read
        let stores = try ingredients.map { try registry.open($0, options: readOptions) }
        let baseStore = try base.map { try registry.open($0, options: readOptions) }
        let inputs = stores + (baseStore.map { [$0] } ?? [])
        let destination = try makeOutput(inputs: inputs, sideInputs: sideInputs, registry: registry) { planID(stores: stores, base: baseStore) }
        let plan = try SoupPlan.make(ingredients: stores, base: baseStore, recipe: recipe, options: options)
        try plan.check(tensorRecipes: tensorRecipes, recipe: recipe)
        let producer = SoupProducer(plan: plan, recipe: recipe, options: options, metadata: stores[0].metadata)
        producer.tensorRecipes = tensorRecipes
        producer.inputNames = InputNames(ingredients: ingredients, base: base)
        let written = destination.writtenTensorIndices(of: producer.tensors)
        let total = producer.inputBytes(ofTensorsAt: written)
        producer.onProgress = progress.map { progressCounter(total: total, report: $0) }
        let partitionReport = try write(producer, to: destination)
        return Report(plan: plan, written: written, producer: producer, options: options, partition: partitionReport)
    }

    /// The plan id of a partitioned soup: the recipes, the options that change the output's bytes, the inputs.
    private func planID(stores: [TensorStore], base: TensorStore?) -> String {
        planID(job: "soup", ingredients: stores, base: base) { identity in
            identity.add("\(recipe)")
            for (name, tensorRecipe) in tensorRecipes.sorted(by: { $0.key < $1.key }) { identity.add("tensor recipe", name, "\(tensorRecipe)") }
        }
    }
}

extension SoupJob.Report {
    /// The report of `producer`'s run of `plan`, which wrote the entries at `written` (all of them,
    /// or a partitioned task's share; `partition`: what that task wrote).
    init(plan: SoupPlan, written: [Int], producer: SoupProducer, options: SoupOptions, partition: PartitionReport?) {
        let entries = written.map { plan.entries[$0] }
        self.init(
            mergedTensors: entries.filter(\.isMerged).count,
            copiedTensors: entries.filter { !$0.isMerged }.count,
            skipped: plan.skipped,
            mixedPrecision: plan.mixedPrecision,
            outputDType: options.outputDType,
            nonFinite: producer.nonFinite,
            parameters: entries.reduce(0) { $0 + $1.output.elementCount },
            outputBytes: entries.reduce(0) { $0 + $1.output.byteCount },
            partition: partition
        )
    }
}
