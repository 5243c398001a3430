#if canImport(Glibc)
import Glibc
#endif
import Soup
import TureenCore

/// The state of one greedy soup run: scores, the kept set, and the running sum, which is a
/// `RunningSumFile` of the ingredients folded into it so far plus the kept ingredients not yet
/// folded in. A candidate pass folds them (and the new ingredient) into a new sum file only once
/// they hold as many bytes as a sum file does (8 per value): a bf16 ingredient is a quarter of a
/// Float64 sum, so reading up to four of them again costs less than writing and reading a sum for
/// each. Every pass still reads at most about two sums' worth of bytes, whatever N. Candidates whose
/// score came from the journal make no pass, and their ingredients wait unfolded too.
struct GreedySearch {
    let job: GreedySoupJob
    let stores: [TensorStore]
    let scratch: ScratchFolder
    let journal: ScoreJournal
    let candidates: CandidateWriter
    let fingerprints: [CheckpointFingerprint]
    /// How candidates are written, for journal keys.
    let candidateSettings: String
    /// The bytes of each ingredient's floating-point tensors, and of a running sum of them.
    private let ingredientBytes: [Int]
    private let sumBytes: Int

    /// Every ingredient's own score, by index.
    private(set) var scores: [Double] = []
    /// The search order: eligible ingredients, best first.
    private(set) var order: [Int] = []
    /// The kept ingredients, in soup order.
    private(set) var kept: [Int] = []
    /// The best score so far: the last kept candidate's.
    private(set) var bestScore = 0.0
    private(set) var evaluatorCalls = 0
    /// The running sum's file, if a pass has written one, and the kept ingredients not in it.
    private var sum: (file: RunningSumFile, store: TensorStore)?
    private var unsummed: [Int] = []
    /// A candidate file holding exactly the soup of `kept`, if one was written.
    private var keptCandidate: String?

    init(job: GreedySoupJob, candidates: CandidateWriter, stores: [TensorStore], scratch: ScratchFolder, journal: ScoreJournal) throws {
        self.job = job
        self.stores = stores
        self.scratch = scratch
        self.journal = journal
        self.candidates = candidates
        fingerprints = try job.ingredients.map(CheckpointFingerprint.init(path:))
        ingredientBytes = stores.map { store in store.tensors.filter { !$0.info.dtype.isIntegerOrBool }.reduce(0) { $0 + $1.info.byteCount } }
        sumBytes = stores[0].tensors.filter { !$0.info.dtype.isIntegerOrBool }.reduce(0) { $0 + $1.info.elementCount * $1.info.dtype.componentsPerElement * 8 }
        candidateSettings = (["\(job.candidateFormat.rawValue) dtype=\(job.options.outputDType) integers=\(job.options.integerPolicy.rawValue)"]
            + Self.readingSettings(job.readOptions) + (job.modelFolder.configFrom.map { ["config-from=\($0)"] } ?? [])).joined(separator: " ")
    }

    /// How the ingredients are read, where it is not the default (so that the keys of earlier
    /// journals, which had none, still match for a default read): the candidates' tensors depend on it.
    private static func readingSettings(_ options: ReadOptions) -> [String] {
        var settings: [String] = []
        if let key = options.selectedKey { settings.append("select=\(key)") }
        if let prefix = options.strippedPrefix { settings.append("strip-prefix=\(prefix)") }
        if !options.assumedVoidTypes.isEmpty { settings.append("void=" + options.assumedVoidTypes.map(\.rawValue).joined(separator: ",")) }
        return settings
    }

    /// Whether score `a` is better than `b`.
    func isBetter(_ a: Double, than b: Double) -> Bool {
        job.minimize ? a < b : a > b
    }

    /// Whether a candidate scoring `score` is kept.
    private func accepts(_ score: Double) -> Bool {
        switch job.acceptance {
        case .atLeast: return score == bestScore || isBetter(score, than: bestScore)
        case .strictlyBetter: return isBetter(score, than: bestScore)
        }
    }

    // MARK: Individual scores

    /// Scores every ingredient alone (or takes its score from the precomputed ones or the journal).
    mutating func scoreIndividuals(onStep: ((GreedySoupEvent) -> Void)?) throws -> [GreedySoupReport.Individual] {
        var individuals: [GreedySoupReport.Individual] = []
        for (index, path) in job.ingredients.enumerated() {
            let score: Double
            let source: GreedySoupReport.ScoreSource
            if let precomputed = job.precomputedScores[path] {
                (score, source) = (precomputed, .precomputed)
            } else if let recorded = journal.score(for: key([index])) {
                (score, source) = (recorded, .journal)
            } else {
                (score, source) = (try evaluateIngredient(index), .evaluated)
            }
            scores.append(score)
            let leftOut = job.minimumScore.map { isBetter($0, than: score) } ?? false
            let individual = GreedySoupReport.Individual(path: path, score: score, source: source, leftOut: leftOut)
            individuals.append(individual)
            onStep?(.individual(individual))
        }
        return individuals
    }

    /// Scores ingredient `index` alone: its own file (or model folder) when it is in the candidate
    /// format and dtype, else the uniform soup of it alone, written to the scratch folder.
    private mutating func evaluateIngredient(_ index: Int) throws -> Double {
        let path = job.ingredients[index]
        let sameFormat = stores[index].formatName == candidates.formatName
            && (job.candidateFormat.fileExtension.map { !FileSystem.isDirectory(path) && path.lowercased().hasSuffix("." + $0) } ?? true)
        let alone = try plan(of: [index])
        let sameDType = alone.entries.allSatisfy { $0.output.dtype == $0.inputs[0].info.dtype }
        var candidate = path
        if !(sameFormat && sameDType) {
            candidate = scratch.file(job.candidateFormat.name("ingredient-\(index + 1)"))
            _ = try write(addends: [stores[index]], members: [index], to: candidate, sumPath: nil)
        }
        defer { if candidate != path { scratch.remove(candidate) } }
        let score = try evaluate(candidate, describing: "ingredient \(path)")
        try journal.record(score, for: key([index]), ingredients: [path])
        return score
    }

    // MARK: The search

    /// Sorts the eligible ingredients best first and tries each in turn.
    mutating func searchSoup(individuals: [GreedySoupReport.Individual], onStep: ((GreedySoupEvent) -> Void)?) throws -> [GreedySoupReport.Step] {
        order = individuals.indices.filter { !individuals[$0].leftOut }.sorted { a, b in
            scores[a] != scores[b] ? isBetter(scores[a], than: scores[b]) : a < b
        }
        guard let first = order.first else {
            let best = scores.min { isBetter($0, than: $1) }!
            throw GreedySoupError.noIngredientMeetsThreshold(threshold: job.minimumScore ?? 0, best: best, minimize: job.minimize)
        }
        kept = [first]
        unsummed = [first]
        bestScore = scores[first]
        let start = GreedySoupReport.Step(
            step: 0, ingredient: job.ingredients[first], ingredientScore: scores[first], candidateScore: scores[first],
            kept: true, source: individuals[first].source)
        onStep?(.step(start))
        var steps = [start]
        for (position, next) in order.enumerated().dropFirst() {
            let step = try tryIngredient(next, step: position, isLast: position == order.count - 1)
            onStep?(.step(step))
            steps.append(step)
        }
        return steps
    }

    /// Scores the soup of the kept ingredients and `next`, and keeps `next` if it does well enough.
    private mutating func tryIngredient(_ next: Int, step: Int, isLast: Bool) throws -> GreedySoupReport.Step {
        let members = kept + [next]
        let candidateKey = key(members)
        var score: Double
        var source = GreedySoupReport.ScoreSource.journal
        var candidate: String?
        var newSum: RunningSumFile?
        if let recorded = journal.score(for: candidateKey) {
            score = recorded
        } else {
            source = .evaluated
            let path = scratch.file(job.candidateFormat.name("candidate-\(step)"))
            // The last candidate needs no new running sum: the output is that candidate, or one more
            // pass over the same addends.
            let unfoldedBytes = (unsummed + [next]).reduce(0) { $0 + ingredientBytes[$1] }
            let sumPath = !isLast && unfoldedBytes >= sumBytes ? scratch.file("running-sum-\(step).f64") : nil
            let addends = (sum.map { [$0.store] } ?? []) + unsummed.map { stores[$0] } + [stores[next]]
            candidate = path
            newSum = try write(addends: addends, members: members, to: path, sumPath: sumPath)
            let names = members.map { job.ingredients[$0] }.joined(separator: " + ")
            score = try evaluate(path, describing: "candidate \(step) (the soup of \(names)) at \(path)")
            try journal.record(score, for: candidateKey, ingredients: members.map { job.ingredients[$0] })
        }
        let keep = accepts(score)
        if keep {
            kept.append(next)
            bestScore = score
            if let newSum {
                if let old = sum { scratch.remove(old.file.path) }
                sum = (newSum, try newSum.open())
                unsummed = []
            } else {
                unsummed.append(next)
            }
            if let previous = keptCandidate { scratch.remove(previous) }
            keptCandidate = candidate
        } else {
            if let newSum { scratch.remove(newSum.path) }
            if let candidate { scratch.remove(candidate) }
        }
        return GreedySoupReport.Step(
            step: step, ingredient: job.ingredients[next], ingredientScore: scores[next], candidateScore: score, kept: keep, source: source)
    }

    // MARK: Writing

    /// Whether the output is written exactly as a candidate is (same writer, default options), so
    /// the last kept candidate can be renamed into place.
    private var canMoveCandidateToOutput: Bool {
        candidates.matchesOutput && job.writeOptions.maxShardSize == nil && !job.writeOptions.compress && job.writeOptions.layout == nil
    }

    /// Writes the soup of `kept` to `output`: the last kept candidate renamed into place when it
    /// is the same file, else one pass over the running sum.
    mutating func writeResult(to output: String, writer: any CheckpointWriter) throws {
        if kept.count > 1, let keptCandidate, canMoveCandidateToOutput {
            if !job.force, FileSystem.identity(of: output) != nil { throw TensorStoreError.outputExists(path: output) }
            // A rename that fails (another file system) leaves the candidate; the output is then written.
            if (try? scratch.publish(keptCandidate, as: output)) != nil {
                self.keptCandidate = nil
                return
            }
        }
        let addends = (sum.map { [$0.store] } ?? []) + unsummed.map { stores[$0] }
        let producer = try RunningSumProducer(
            plan: try plan(of: kept), addends: addends, count: kept.count, options: job.options, metadata: stores[kept[0]].metadata, sumWriter: nil)
        try writer.write(producer, to: output, options: job.writeOptions)
    }

    /// The plan of the uniform soup of `members`, in order: what `SoupJob` would write for them
    /// (output dtypes follow the dtype rule over these ingredients; integers come from the first).
    func plan(of members: [Int]) throws -> SoupPlan {
        try SoupPlan.make(ingredients: members.map { stores[$0] }, base: nil, recipe: try .uniform(count: members.count), options: job.options)
    }

    /// Writes the uniform soup of `members` from `addends` (which stand for them) to `path`, and
    /// their running sum to `sumPath` when given; both are scratch files, removed on error or interrupt.
    private func write(addends: [TensorStore], members: [Int], to path: String, sumPath: String?) throws -> RunningSumFile? {
        try scratch.track(path)
        if let sumPath { try scratch.track(sumPath) }
        do {
            let sumWriter = try sumPath.map(RunningSumWriter.init(path:))
            let producer = try RunningSumProducer(
                plan: try plan(of: members), addends: addends, count: members.count, options: job.options,
                metadata: stores[members[0]].metadata, sumWriter: sumWriter)
            try candidates.writer.write(producer, to: path, options: WriteOptions())
            return try sumWriter?.commit()
        } catch {
            scratch.remove(path)
            if let sumPath { scratch.remove(sumPath) }
            throw error
        }
    }

    // MARK: Scoring

    /// The journal key of the soup of `members`, in order.
    private func key(_ members: [Int]) -> ScoreJournal.Key {
        ScoreJournal.Key(evaluator: job.evaluator.journalIdentity, candidates: candidateSettings, fingerprints: members.map { fingerprints[$0] })
    }

    /// Scores the checkpoint at `path`.
    ///
    /// - Throws: `GreedySoupError.evaluationFailed` naming the candidate.
    private mutating func evaluate(_ path: String, describing candidate: String) throws -> Double {
        evaluatorCalls += 1
        let score: Double
        do {
            score = try job.evaluator.score(checkpointAt: path)
        } catch {
            throw GreedySoupError.evaluationFailed(candidate: candidate, journal: journal.path, underlying: error)
        }
        guard score.isFinite else {
            throw GreedySoupError.evaluationFailed(candidate: candidate, journal: journal.path, underlying: EvaluatorError.nonFinite(
                command: job.evaluator.journalIdentity, key: "score", value: score, standardError: ""))
        }
        return score
    }
}
