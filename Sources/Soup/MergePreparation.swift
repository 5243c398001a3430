/// What a merge's first passes found in one tensor (Model Stock's cosine and t, SLERP's cosine
/// and weights), for the report.
public struct MergedTensorStatistics: Sendable, Equatable, Encodable {
    /// The tensor's name.
    public let tensor: String
    /// The figures, by name.
    public let values: [String: Double]
}

/// Runs a merge method's first passes over the merged tensors of a plan (all of them, or a
/// partitioned task's share) and makes their kernels, which then run on the soup's executor
/// (`SoupProducer.preparedKernels`). Every check a method makes (an undefined Model Stock t,
/// unusable weights) is done before a byte is written: the checks that need no reading for every
/// merged tensor here, the rest by preparing every tensor here, unless the method's preparation
/// can fail only where a source cannot be read (`TensorMergeMethod.preparesWhileMerging`, TIES's
/// threshold search); then its tensors are prepared on a thread of their own while earlier ones merge.
package struct MergePreparation {
    /// The kernel of each merged tensor, by plan entry index.
    package let kernels: PreparedKernels
    /// What the first passes found, in plan order (tensors whose method makes no pass are left out).
    package let statistics: [MergedTensorStatistics]

    /// Prepares the merged tensors of `plan` (planned with the inputs `MergeRecipe.Method` expects:
    /// `ingredientsAndBase(for:)`) for `recipe`: those at `entryIndices` only, when given (the
    /// tensors a partitioned task writes: no other tensor's bytes are read). Every merged tensor's
    /// parameters are checked, so that every task refuses a recipe that does not fit. `onProgress`
    /// may be called from another thread while the merge runs.
    ///
    /// - Throws: `MergeError`; what reading a source throws; `TensorStoreError.cannotStartThread`.
    package init(plan: SoupPlan, recipe: MergeRecipe, options: SoupOptions, entryIndices: Set<Int>? = nil, onProgress: ((Int) -> Void)? = nil) throws {
        let method = recipe.method.tensorMethod(seed: recipe.seed)
        var passes = StatisticsPass(options: options)
        passes.onProgress = onProgress
        var tensors: [PreparedKernels.Tensor] = []
        for (index, entry) in plan.entries.enumerated() where entry.isMerged {
            let parameters = recipe.parameters(forTensor: entry.output.name)
            try Self.check(parameters, of: entry, method: recipe.method)
            try method.check(entry, parameters: parameters)
            guard entryIndices?.contains(index) ?? true else { continue }
            tensors.append((index, entry, parameters))
        }
        if method.preparesWhileMerging, PreparedKernels.canPrepareWhileMerging(tensors) {
            kernels = try PreparedKernels(preparingInOrder: tensors, method: method, passes: passes)
            statistics = []
            return
        }
        var kernels: [Int: any MergeKernel] = [:]
        var statistics: [MergedTensorStatistics] = []
        for (index, entry, parameters) in tensors {
            let prepared = try method.prepare(entry, parameters: parameters, passes: passes)
            kernels[index] = prepared.kernel
            if !prepared.statistics.isEmpty {
                statistics.append(MergedTensorStatistics(tensor: entry.output.name, values: prepared.statistics))
            }
        }
        self.kernels = PreparedKernels(kernels)
        self.statistics = statistics
    }

    /// Checks that a tensor's parameters fit its inputs: one weight and density per ingredient, finite.
    private static func check(_ parameters: MergeRecipe.Parameters, of entry: SoupPlan.Entry, method: MergeRecipe.Method) throws {
        let name = entry.output.name
        let count = method == .slerp ? 1 : entry.inputs.count
        guard parameters.weights.count == count, parameters.densities.count == count else {
            throw MergeError.invalidParameters(tensor: name, reason: "\(parameters.weights.count) weights and \(parameters.densities.count) densities were given for \(count) ingredients")
        }
        let numbers = parameters.weights + parameters.densities + [parameters.scale, parameters.t]
        if let bad = numbers.first(where: { !$0.isFinite }) {
            throw MergeError.invalidParameters(tensor: name, reason: "a parameter is \(bad); parameters must be finite")
        }
    }
}

extension MergeRecipe {
    /// About how many first passes the merge makes over each merged tensor before merging it, for
    /// progress: the method's own, and one for the norms where some tensor is rescaled to its L1
    /// norm (`rescale: true`).
    package var firstPasses: Int {
        let rescalesToNorm = ([parameters] + tensorParameters.values).contains { $0.rescale == .l1Norm }
        return method.firstPasses + (rescalesToNorm ? 1 : 0)
    }
}

extension MergeRecipe.Method {
    /// About how many first passes the method itself makes over each merged tensor: TIES's threshold
    /// search usually one window pass (its tie pass reads a sliver); Model Stock and SLERP one for
    /// their dot products; DARE none (its mask is drawn as it merges).
    var firstPasses: Int {
        switch self {
        case .linear, .taskArithmetic, .dareLinear, .dareTies: 0
        case .modelStock, .slerp, .ties: 1
        }
    }

    /// How the executor runs the method; `seed` keys DARE's masks.
    func tensorMethod(seed: UInt64) -> any TensorMergeMethod {
        switch self {
        case .linear: LinearMethod(isBaseRelative: false)
        case .taskArithmetic: LinearMethod(isBaseRelative: true)
        case .modelStock: ModelStockMethod()
        case .slerp: SlerpMethod()
        case .ties: SparseTaskArithmeticMethod(sparsification: .magnitude, signConsensus: true)
        case .dareLinear: SparseTaskArithmeticMethod(sparsification: .random(seed: seed), signConsensus: false)
        case .dareTies: SparseTaskArithmeticMethod(sparsification: .random(seed: seed), signConsensus: true)
        }
    }

    /// The ingredients and base a plan for the method is made of, from the merge's ingredients (the
    /// base left out) and base: SLERP plans θ0 and θ1 as two ingredients; the others plan the base
    /// as the base.
    ///
    /// - Throws: `MergeError.baseRequired`, `.baseNotUsed`, `.ingredientCount`.
    package func ingredientsAndBase<Input>(ingredients: [Input], base: Input?) throws -> (ingredients: [Input], base: Input?) {
        if needsBase, base == nil { throw MergeError.baseRequired(self) }
        if !needsBase, base != nil { throw MergeError.baseNotUsed(self) }
        switch self {
        case .slerp:
            guard ingredients.count == 1, let base else { throw MergeError.ingredientCount(self, expected: "exactly one other model", given: ingredients.count) }
            return ([base, ingredients[0]], nil)
        case .modelStock:
            guard ingredients.count >= 2 else { throw MergeError.ingredientCount(self, expected: "at least two models", given: ingredients.count) }
            return (ingredients, base)
        default:
            guard !ingredients.isEmpty else { throw MergeError.ingredientCount(self, expected: "at least one model", given: 0) }
            return (ingredients, base)
        }
    }
}
