import Soup
import TureenCore

/// The greedy soup (the model-soups paper's Recipe 1): score every ingredient alone, sort them
/// best first, start from the best, and keep each next ingredient if the uniform soup of the kept
/// ones and it scores at least as well as the best so far (or strictly better).
///
/// Each candidate is written by one streaming pass over the Float64 running sum of the kept
/// ingredients and the new one (`RunningSumProducer`), so N ingredients cost at most N − 1
/// candidate passes and at most 2N − 1 evaluator calls; memory stays flat. Each candidate, and the
/// result, is what `SoupJob` writes for the uniform soup of the same ingredients in the same order.
public struct GreedySoupJob {
    /// When a candidate is kept.
    public enum Acceptance: String, Sendable, CaseIterable {
        /// Its score is at least the best so far (the paper's text).
        case atLeast = "ge"
        /// Its score is strictly better than the best so far (the paper's code).
        case strictlyBetter = "gt"
    }

    /// The ingredient checkpoints, in any mix of formats; ties in score keep this order.
    public var ingredients: [String]
    /// The output path; its extension (or being a folder) picks the format.
    public var output: String
    /// Scores ingredients and candidates.
    public var evaluator: any Evaluator
    /// When a candidate is kept.
    public var acceptance = Acceptance.atLeast
    /// Lower scores are better (a loss).
    public var minimize = false
    /// Ingredients scoring worse than this alone are left out.
    public var minimumScore: Double?
    /// Individual scores computed elsewhere, by ingredient path as given; the evaluator then
    /// scores only candidate soups.
    public var precomputedScores: [String: Double] = [:]
    /// The format candidates are written in.
    public var candidateFormat = CandidateFormat.safetensors
    /// Where candidates, running sums and the journal go; nil: a folder beside the output.
    public var scratchFolder: String?
    /// Continue an interrupted run: take the scores in the scratch folder's journal.
    public var resume = false
    /// Output dtype, integer policy and non-finite checks, as for any soup.
    public var options = SoupOptions()
    /// Writer options for the output (candidates use the defaults).
    public var writeOptions = WriteOptions()
    /// Reader options.
    public var readOptions = ReadOptions()
    /// Where a model folder output takes its other files from, and whether configurations may differ.
    public var modelFolder = ModelFolderOptions()
    /// Hears what the user should know: which weights a model folder was read from, files not copied.
    public var onNote: ((String) -> Void)?
    /// Replace an existing output.
    public var force = false
    /// Files read besides the checkpoints (the precomputed scores), which the output must not replace.
    public var sideInputs: [String] = []

    /// Describes a greedy soup of `ingredients` into `output`, scored by `evaluator`.
    public init(ingredients: [String], output: String, evaluator: any Evaluator) {
        self.ingredients = ingredients
        self.output = output
        self.evaluator = evaluator
    }

    /// The journal's name in the scratch folder.
    public static let journalName = "greedy-journal.jsonl"

    /// Runs the search and writes the final soup; `onStep` hears of each individual score and each
    /// step as it happens.
    ///
    /// - Throws: reader and plan errors before anything is scored; `GreedySoupError` when scoring
    ///   fails or no ingredient qualifies; writer errors. Candidates and running sums are removed
    ///   whatever happens; the journal stays unless the run finished.
    public func run(registry: FormatRegistry = .standard, onStep: ((GreedySoupEvent) -> Void)? = nil) throws -> GreedySoupReport {
        guard !ingredients.isEmpty else { throw SoupError.noIngredients }
        try registry.checkWriter(for: output, options: writeOptions)  // before any input is read
        let stores = try ingredients.map { try registry.open($0, options: readOptions) }
        let target = try OutputTarget(
            output: output, inputs: stores, sideInputs: sideInputs, registry: registry, writeOptions: writeOptions, modelFolder: modelFolder, force: force)
        target.notes.forEach { onNote?($0) }
        // Every check a soup makes, on all the ingredients, before anything is scored.
        _ = try SoupPlan.make(ingredients: stores, base: nil, recipe: try .uniform(count: stores.count), options: options)
        let missing = ingredients.filter { precomputedScores[$0] == nil }
        if !precomputedScores.isEmpty, !missing.isEmpty {
            throw GreedySoupError.missingScores(file: "the precomputed scores", ingredients: missing)
        }
        let scratch = try ScratchFolder(path: scratchFolder, beside: output, resumingFrom: resume ? Self.journalName : nil)
        let journal = try ScoreJournal(path: scratch.file(Self.journalName), resume: resume)
        let candidates = try CandidateWriter(candidateFormat, output: output, target: target, stores: stores, registry: registry)
        var search = try GreedySearch(job: self, candidates: candidates, stores: stores, scratch: scratch, journal: journal)
        if journal.count > 0, !journal.holdsScores(evaluator: evaluator.journalIdentity, candidates: search.candidateSettings) {
            onNote?("the journal \(journal.path) holds \(journal.count) score\(journal.count == 1 ? "" : "s") of a run with another --eval command (compared as text) or other candidate settings; none is used, every soup is scored again")
        }
        let individuals = try search.scoreIndividuals(onStep: onStep)
        let steps = try search.searchSoup(individuals: individuals, onStep: onStep)
        try search.writeResult(to: output, writer: target.writer)
        target.notes(writing: try search.plan(of: search.kept).entries.map(\.output)).forEach { onNote?($0) }
        journal.remove()
        scratch.finish()
        return GreedySoupReport(
            individuals: individuals, steps: steps, kept: search.kept.map { ingredients[$0] },
            finalScore: search.bestScore, bestIndividual: individuals[search.order[0]], evaluatorCalls: search.evaluatorCalls,
            minimize: minimize, output: output)
    }
}

/// What a greedy soup reports as it goes.
public enum GreedySoupEvent: Sendable {
    /// An ingredient has its own score.
    case individual(GreedySoupReport.Individual)
    /// A step of the search is decided.
    case step(GreedySoupReport.Step)
}
