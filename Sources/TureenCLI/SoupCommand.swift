import ArgumentParser
import Foundation
import Tureen

/// `tureen soup uniform|weighted`: average checkpoints into one, streaming with flat memory.
struct SoupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soup",
        abstract: "Average fine-tuned checkpoints of one model (model soups), in any mix of formats.",
        subcommands: [UniformSoupCommand.self, WeightedSoupCommand.self]
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
        try reportingErrors {
            try soup.run(ingredients: ingredients, recipe: try SoupRecipe.uniform(count: ingredients.count, baseRelative: soup.baseRelative))
        }
    }
}

/// `tureen soup weighted A B C … --weights 0.5,0.3,0.2 -o OUT`: a weighted mean.
struct WeightedSoupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "weighted", abstract: "A weighted mean of the ingredients.")

    @Argument(help: "The ingredient checkpoints.")
    var ingredients: [String]

    @Option(help: "One weight per ingredient, comma-separated (e.g. 0.5,0.3,0.2).")
    var weights: String

    @Flag(help: "Use the weights as given instead of dividing them by their sum.")
    var noNormalize = false

    @OptionGroup var soup: SoupArguments

    func parsedWeights() throws -> [Double] {
        try weights.split(separator: ",").map { text in
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--weights takes comma-separated numbers; '\(text)' is not one")
            }
            return value
        }
    }

    func validate() throws {
        let parsed = try parsedWeights()
        guard parsed.count == ingredients.count else {
            throw ValidationError("\(parsed.count) weights were given for \(ingredients.count) ingredients; give one weight per ingredient")
        }
    }

    func run() throws {
        try reportingErrors {
            let recipe = try SoupRecipe.weighted(try parsedWeights(), normalize: !noNormalize, baseRelative: soup.baseRelative)
            try soup.run(ingredients: ingredients, recipe: recipe)
        }
    }
}

/// Options shared by every soup recipe.
struct SoupArguments: ParsableArguments {
    @Option(name: .shortAndLong, help: "The output checkpoint (.safetensors, .npz, .h5, or a folder for sharded safetensors).")
    var output: String

    @Option(help: "A base model: θ = base + scale · Σ wᵢ(θᵢ − base) (task arithmetic; WiSE-FT with one ingredient).")
    var base: String?

    @Option(help: "λ for base-relative soups.")
    var scale: Double = 1

    @Option(help: "The dtype of floating-point tensors: f32, bf16, f16, f64, f8_e4m3, f8_e5m2, or 'widest' (per tensor, the narrowest dtype holding every ingredient's values exactly).")
    var dtype: OutputDTypeRule = .firstIngredient

    @Option(help: "Integer and bool tensors are never averaged: 'identical' requires them equal in every ingredient, 'first' takes the first ingredient's.")
    var integers: SoupOptions.IntegerPolicy = .requireIdentical

    @Flag(help: "Leave out tensors that some ingredients lack (they are listed) instead of refusing.")
    var skipMissing = false

    @Flag(help: "Fail if any ingredient or the result holds NaN or ±Inf.")
    var failOnNonfinite = false

    @OptionGroup var writing: WritingOptions
    @OptionGroup var reading: ReadingOptions
    @OptionGroup var threading: ThreadingOptions

    var baseRelative: SoupRecipe.BaseRelative? { base == nil ? nil : SoupRecipe.BaseRelative(scale: scale) }

    func validate() throws {
        if base == nil, scale != 1 { throw ValidationError("--scale applies to base-relative soups; give --base too") }
    }

    func run(ingredients: [String], recipe: SoupRecipe) throws {
        var job = SoupJob(ingredients: ingredients, recipe: recipe, output: output)
        job.base = base
        job.options.outputDType = dtype
        job.options.integerPolicy = integers
        job.options.skipMissingTensors = skipMissing
        job.options.failOnNonFinite = failOnNonfinite
        if let threads = threading.threads { job.options.threadCount = threads }
        job.writeOptions = try writing.writeOptions()
        job.readOptions = reading.readOptions
        job.force = writing.force
        let progress = ProgressBar(label: "soup")
        let started = Date()
        let report = try withExtendedLifetime(progress) {
            defer { progress.finish() }
            return try job.run(progress: progress.update)
        }
        let seconds = Date().timeIntervalSince(started)
        printToStandardError(SoupSummary(report: report, ingredients: ingredients, output: output, seconds: seconds).text)
    }
}

extension SoupOptions.IntegerPolicy: ExpressibleByArgument {}

extension OutputDTypeRule: ExpressibleByArgument {
    /// `widest`, or a floating-point dtype name.
    public init?(argument: String) {
        if argument == "widest" {
            self = .widest
        } else if let dtype = DType(name: argument), dtype.isFloatingPoint {
            self = .fixed(dtype)
        } else {
            return nil
        }
    }

    public var defaultValueDescription: String {
        switch self {
        case .firstIngredient: return "the first ingredient's"
        case let .fixed(dtype): return dtype.rawValue.lowercased()
        case .widest: return "widest"
        }
    }
}
