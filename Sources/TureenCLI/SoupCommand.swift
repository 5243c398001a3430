import ArgumentParser
import Foundation
import Tureen

/// `tureen soup uniform|weighted`: average checkpoints into one, streaming with flat memory.
struct SoupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soup",
        abstract: "Average fine-tuned checkpoints of one model (model soups), in any mix of formats.",
        subcommands: [UniformSoupCommand.self, WeightedSoupCommand.self, GreedySoupCommand.self, LearnedSoupCommand.self]
    )
}

/// `tureen soup uniform A B C … -o OUT`: the plain mean.
struct UniformSoupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "uniform", abstract: "The plain mean of all ingredients (uniform soup).")

    @Argument(help: "The ingredient checkpoints.")
    var ingredients: [String]

    @OptionGroup var soup: SoupArguments

    func validate() throws {
        guard !ingredients.isEmpty else { throw ValidationError("give at least one ingredient") }
    }

    func run() throws {
        try soup.run(ingredients: ingredients, recipe: try SoupRecipe.uniform(count: ingredients.count, baseRelative: soup.baseRelative))
    }
}

/// `tureen soup weighted A B C … --weights 0.5,0.3,0.2 -o OUT`: a weighted mean.
struct WeightedSoupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "weighted", abstract: "A weighted mean of the ingredients.")

    @Argument(help: "The ingredient checkpoints.")
    var ingredients: [String]

    // Unconditional, so that a list starting with a minus sign (`--weights -1,2,0`) is a value, not an option.
    @Option(parsing: .unconditional, help: "One weight per ingredient, comma-separated (e.g. 0.5,0.3,0.2).", transform: ArgumentValue.numbers)
    var weights: [Double]?

    @Option(help: "Weights saved by `tureen soup learned --weights-out` (JSON; per-tensor weights included), instead of --weights.")
    var weightsFile: String?

    @Flag(help: "Use the weights as given instead of dividing them by their sum.")
    var noNormalize = false

    @OptionGroup var soup: SoupArguments

    func validate() throws {
        guard (weights == nil) != (weightsFile == nil) else { throw ValidationError("give either --weights or --weights-file") }
        if let weights, weights.count != ingredients.count {
            throw ValidationError("\(weights.count) weights were given for \(ingredients.count) ingredients; give one weight per ingredient")
        }
    }

    func run() throws {
        if let weightsFile {
            let (recipe, tensorRecipes) = try WeightsFileRecipes.load(weightsFile, ingredients: ingredients, normalize: !noNormalize, baseRelative: soup.baseRelative)
            return try soup.run(ingredients: ingredients, recipe: recipe, tensorRecipes: tensorRecipes, sideInputs: [weightsFile])
        }
        let recipe = try SoupRecipe.weighted(weights ?? [], normalize: !noNormalize, baseRelative: soup.baseRelative)
        try soup.run(ingredients: ingredients, recipe: recipe)
    }
}

/// Options shared by every soup recipe.
struct SoupArguments: ParsableArguments {
    @Option(name: .shortAndLong, help: "The output checkpoint (.safetensors, .npz, .h5, .pt, .keras configured as the first ingredient, or a folder: a model folder when every ingredient is one, else sharded safetensors).")
    var output: String

    @Option(help: "A base model: θ = base + scale · Σ wᵢ(θᵢ − base) (task arithmetic; WiSE-FT with one ingredient).")
    var base: String?

    // Unconditional, so that a negative λ (`--scale -0.5`) is a value, not an option.
    @Option(parsing: .unconditional, help: "λ for base-relative soups.")
    var scale: Double = 1

    @Option(help: ArgumentHelp("The dtype of floating-point tensors; 'widest' is, per tensor, the narrowest dtype holding every ingredient's values exactly.", valueName: "dtype"))
    var dtype: OutputDTypeRule = .firstIngredient

    @OptionGroup var policy: TensorPolicyOptions
    @OptionGroup var reporting: ReportingOptions
    @OptionGroup var partitioning: PartitionOptions

    var baseRelative: SoupRecipe.BaseRelative? { base == nil ? nil : SoupRecipe.BaseRelative(scale: scale) }

    func validate() throws {
        if base == nil, scale != 1 { throw ValidationError("--scale applies to base-relative soups; give --base too") }
        try policy.writing.validate(output: output)
        try partitioning.validate(output: output, writeOptions: policy.writing.writeOptions)
    }

    /// Runs the soup; `sideInputs` are the files read besides the checkpoints (a weights file).
    func run(ingredients: [String], recipe: SoupRecipe, tensorRecipes: [String: SoupRecipe] = [:], sideInputs: [String] = []) throws {
        var job = SoupJob(ingredients: ingredients, recipe: recipe, output: output)
        job.tensorRecipes = tensorRecipes
        job.sideInputs = sideInputs
        job.base = base
        job.options.outputDType = dtype
        policy.configure(&job)
        job.partition = try partitioning.resolved()
        let started = Date()
        let report = try reporting.progressBar(label: "soup").track { try job.run(progress: $0) }
        try reporting.finish(SoupSummary(report: report, ingredients: ingredients, base: base, output: output, seconds: Date().timeIntervalSince(started)))
    }
}
