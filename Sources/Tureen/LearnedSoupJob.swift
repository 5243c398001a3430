import Soup
import TureenCore

/// The learned soup (the model-soups paper's "learned soup", by layer or for the whole model) at
/// flat memory: mixing weights softmax(α) are learned by gradient descent on a held-out loss,
/// with only α in memory.
///
/// Each step writes the soup θ(α) = Σᵢ softmax(α)ᵢ θᵢ, asks the gradient evaluator for the loss
/// and ∂loss/∂θ (a file), and computes in one streaming pass dᵢ = ⟨∂loss/∂θ, θᵢ − θ(α)⟩ for every
/// tensor and ingredient; ∂loss/∂αᵢ = wᵢ·dᵢ, and Adam updates α. α starts at 0 (the uniform
/// soup). The result is written by the soup engine with the learned weights, exactly as `SoupJob`
/// (and `tureen soup weighted --weights-file`) writes them.
public struct LearnedSoupJob {
    /// The ingredient checkpoints, in any mix of formats.
    public var ingredients: [String]
    /// The output path.
    public var output: String
    /// Gives the loss and its gradient.
    public var evaluator: any GradientEvaluator
    /// One α vector per floating-point tensor, or one for the whole model.
    public var granularity = LearnedWeights.Granularity.tensor
    /// Gradient steps (evaluator calls).
    public var steps = 20
    /// Adam's learning rate (the paper's 0.05).
    public var learningRate = 0.05
    /// The format candidates are written in.
    public var candidateFormat = CandidateFormat.safetensors
    /// The format the evaluator writes gradients in (the gradient path's extension).
    public var gradientFormat = CandidateFormat.safetensors
    /// Where candidates and gradients go; nil: a folder beside the output.
    public var scratchFolder: String?
    /// Where to save the learned weights as JSON, if anywhere.
    public var weightsOutput: String?
    /// Output dtype, integer policy and non-finite checks, as for any soup.
    public var options = SoupOptions()
    /// Writer options for the output (candidates use the defaults).
    public var writeOptions = WriteOptions()
    /// Reader options (ingredients and gradients).
    public var readOptions = ReadOptions()
    /// Where a model folder output takes its other files from, and whether configurations may differ.
    public var modelFolder = ModelFolderOptions()
    /// Hears what the user should know: which weights a model folder was read from, files not copied.
    public var onNote: ((String) -> Void)?
    /// Replace an existing output (and weights file).
    public var force = false

    /// Describes a learned soup of `ingredients` into `output`.
    public init(ingredients: [String], output: String, evaluator: any GradientEvaluator) {
        self.ingredients = ingredients
        self.output = output
        self.evaluator = evaluator
    }

    /// Why a gradient format of `.folder` is refused (the CLI says it as a usage error).
    package static let folderGradientsRefusal = "gradients are written as one file (safetensors, npz or h5), not a folder"

    /// Runs the steps and writes the soup (and the weights); `onStep` hears of each step.
    ///
    /// - Throws: reader and plan errors before the first step; `LearnedSoupError` when the
    ///   evaluator fails or its gradient does not fit; writer errors. Candidates and gradients are
    ///   removed whatever happens, and nothing is written on failure.
    public func run(registry: FormatRegistry = .standard, onStep: ((LearnedSoupReport.Step) -> Void)? = nil) throws -> LearnedSoupReport {
        guard !ingredients.isEmpty else { throw SoupError.noIngredients }
        guard steps >= 1 else { throw LearnedSoupError.invalidSettings("a learned soup needs at least one step, not \(steps)") }
        guard learningRate.isFinite, learningRate > 0 else {
            throw LearnedSoupError.invalidSettings("the learning rate must be a positive number, not \(learningRate)")
        }
        guard gradientFormat != .folder else {
            throw LearnedSoupError.invalidSettings(Self.folderGradientsRefusal)
        }
        try registry.checkWriter(for: output, options: writeOptions)  // before any input is read
        let stores = try ingredients.map { try registry.open($0, options: readOptions) }
        let target = try OutputTarget(output: output, inputs: stores, registry: registry, writeOptions: writeOptions, modelFolder: modelFolder, force: force)
        let candidateWriter = try CandidateWriter(candidateFormat, output: output, target: target, stores: stores, registry: registry).writer
        if let weightsOutput { try SideOutputPolicy.check(weightsOutput, inputs: ingredients, outputs: [output], force: force) }
        let plan = try SoupPlan.make(ingredients: stores, base: nil, recipe: try .uniform(count: stores.count), options: options)
        (target.notes + target.notes(writing: plan.entries.map(\.output))).forEach { onNote?($0) }
        let mixed = plan.entries.indices.filter { plan.entries[$0].isMerged }
        let rowOfEntry = Dictionary(uniqueKeysWithValues: mixed.enumerated().map { ($1, granularity == .tensor ? $0 : 0) })
        var mixing = SoftmaxMixing(groups: granularity == .tensor ? mixed.count : 1, ingredients: stores.count, learningRate: learningRate)
        let scratch = try ScratchFolder(path: scratchFolder, beside: output)
        defer { scratch.finish() }
        let candidate = scratch.file(candidateFormat.name("learned-candidate"))
        let gradientPath = scratch.file(gradientFormat.name("learned-gradient"))
        let pass = GradientPass(plan: plan, options: options)
        var report: [LearnedSoupReport.Step] = []
        for step in 1...steps {
            let weights = mixing.weights
            let learned = self.weights(weights, plan: plan, mixed: mixed)
            try scratch.track(candidate)
            try write(learned, plan: plan, stores: stores, to: candidate, writer: candidateWriter, writeOptions: WriteOptions())
            try scratch.track(gradientPath)
            let loss: Double
            do {
                loss = try evaluator.lossAndGradient(checkpointAt: candidate, gradientPath: gradientPath)
                guard loss.isFinite else { throw EvaluatorError.nonFinite(command: "the gradient evaluator", key: "loss", value: loss, standardError: "") }
            } catch {
                throw LearnedSoupError.evaluationFailed(step: step, candidate: candidate, underlying: error)
            }
            let derivatives: [[Double]]
            do {
                let gradient = try registry.open(gradientPath, options: readOptions)
                let rows = try pass.derivatives(gradient: gradient) { weights[rowOfEntry[$0]!] }
                derivatives = Self.grouped(rows, mixed: mixed, granularity: granularity)
            } catch {
                throw LearnedSoupError.gradientRejected(step: step, path: gradientPath, underlying: error)
            }
            let record = LearnedSoupReport.Step(step: step, loss: loss, entropy: mixing.meanEntropy)
            mixing.step(derivatives: derivatives)
            scratch.remove(candidate)
            scratch.remove(gradientPath)
            report.append(record)
            onStep?(record)
        }
        let learned = weights(mixing.weights, plan: plan, mixed: mixed)
        try write(learned, plan: plan, stores: stores, to: output, writer: target.writer, writeOptions: writeOptions)
        if let weightsOutput { try learned.write(to: weightsOutput) }
        return LearnedSoupReport(steps: report, weights: learned, finalEntropy: mixing.meanEntropy, output: output)
    }

    /// The weights file for `rows` (one row per mixed tensor, or one for the model).
    private func weights(_ rows: [[Double]], plan: SoupPlan, mixed: [Int]) -> LearnedWeights {
        guard granularity == .tensor else { return LearnedWeights(by: .model, ingredients: ingredients, weights: rows[0], tensors: nil) }
        var tensors: [String: [Double]] = [:]
        for (row, entry) in mixed.enumerated() { tensors[plan.entries[entry].output.name] = rows[row] }
        let mean = (0..<ingredients.count).map { column in rows.reduce(0) { $0 + $1[column] } / Double(max(1, rows.count)) }
        return LearnedWeights(by: .tensor, ingredients: ingredients, weights: rows.isEmpty ? Array(repeating: 1, count: ingredients.count) : mean, tensors: tensors)
    }

    /// The soup of `weights`, written by the soup engine.
    private func write(
        _ weights: LearnedWeights, plan: SoupPlan, stores: [TensorStore], to path: String, writer: any CheckpointWriter, writeOptions: WriteOptions
    ) throws {
        let recipes = try weights.recipes()
        let producer = SoupProducer(plan: plan, recipe: recipes.default, options: options, metadata: stores[0].metadata)
        producer.tensorRecipes = recipes.tensors
        producer.inputNames = InputNames(ingredients: ingredients)
        try writer.write(producer, to: path, options: writeOptions)
    }

    /// The derivatives of the plan's entries, as rows of the mixing: one per mixed tensor, or
    /// their sum for the whole model.
    private static func grouped(_ rows: [[Double]], mixed: [Int], granularity: LearnedWeights.Granularity) -> [[Double]] {
        let perTensor = mixed.map { rows[$0] }
        guard granularity == .model, let first = perTensor.first else { return perTensor }
        return [perTensor.dropFirst().reduce(first) { zip($0, $1).map(+) }]
    }
}
