import TureenCore

/// TIES, DARE-TIES and DARE-linear as mergekit 0.1.5's `generalized_task_arithmetic` computes
/// them, per tensor: each ingredient's task vector δᵢ = θᵢ − θ0 is thinned (TIES: the top density
/// fraction by magnitude; DARE: a random density fraction), rescaled as `rescale` asks (to its
/// former L1 norm, as mergekit 0.1.5; or by 1/density, as the DARE paper), weighted, and merged by
/// `SparseMergeKernel` (by sign consensus for TIES and DARE-TIES, summed for DARE-linear).
///
/// First passes: TIES's exact threshold search (`TrimSelection`: one pass over a sampled window of
/// magnitudes for a large tensor, else up to four histogram passes and a tie pass), then, when
/// rescaling to the L1 norm, the norms of each task vector before and after thinning
/// (`TaskVectorNormKernel`); rescaling by the density needs no pass.
/// DARE's mask needs no pass: it is drawn from a counter-based generator (`DropoutMask`).
struct SparseTaskArithmeticMethod: TensorMergeMethod {
    enum Sparsification {
        /// TIES's trim.
        case magnitude
        /// DARE's drop, with the merge's seed.
        case random(seed: UInt64)
    }

    let sparsification: Sparsification
    let signConsensus: Bool

    func check(_ entry: SoupPlan.Entry, parameters: MergeRecipe.Parameters) throws {
        let name = entry.output.name
        guard !entry.output.dtype.isComplex else {
            throw MergeError.invalidParameters(tensor: name, reason: "it is complex; TIES and DARE merge real tensors only (magnitude ranks and signs of complex values are undefined)")
        }
        if let bad = parameters.densities.firstIndex(where: { !(0...1).contains($0) }) {
            throw MergeError.invalidParameters(tensor: name, reason: "the density of model \(bad + 1) is \(parameters.densities[bad]); a density is a fraction from 0 to 1")
        }
    }

    /// The first passes (thresholds, norms) only read: they may run while earlier tensors merge.
    var preparesWhileMerging: Bool { true }

    func prepare(_ entry: SoupPlan.Entry, parameters: MergeRecipe.Parameters, passes: StatisticsPass) throws -> PreparedTensor {
        var sparsifiers = try masks(of: entry, densities: parameters.densities, passes: passes)
        switch parameters.rescale {
        case .none:
            break
        case .l1Norm:
            guard sparsifiers.contains(where: { if case .keepAll = $0.mask { false } else { true } }) else { break }
            let norms = TaskVectorNormKernel.combine(try passes.run(
                TaskVectorNormKernel(sourceTypes: entry.sourceTypes, sparsifiers: sparsifiers), over: entry.sources))
            for (index, norm) in norms.enumerated() {
                sparsifiers[index].scale = TaskVectorSparsifier.normMatchingScale(before: norm.before, after: norm.after)
            }
        case .density:
            // δ·m/d wherever 0 < d < 1, whatever the mask kept (TIES keeps a one-value tensor whole);
            // at d = 0 the task vector stays zeros, not 0·(1/0) = NaN.
            for (index, density) in parameters.densities.enumerated() where density > 0 && density < 1 {
                sparsifiers[index].scale = 1 / density
            }
        }
        return PreparedTensor(kernel: SparseMergeKernel(
            inputTypes: entry.sourceTypes, outputType: entry.output.dtype, weights: parameters.weights, sparsifiers: sparsifiers,
            signConsensus: signConsensus, normalize: parameters.normalize, lambda: parameters.scale))
    }

    /// Each ingredient's mask for the tensor.
    private func masks(of entry: SoupPlan.Entry, densities: [Double], passes: StatisticsPass) throws -> [TaskVectorSparsifier] {
        switch sparsification {
        case let .random(seed):
            return densities.enumerated().map { ingredient, density in
                guard density < 1 else { return TaskVectorSparsifier(mask: .keepAll) }
                return TaskVectorSparsifier(mask: .random(DropoutMask(seed: seed, ingredient: ingredient, tensorName: entry.output.name, density: density)))
            }
        case .magnitude:
            return try TrimSelection.thresholds(of: entry, densities: densities, passes: passes).map { threshold in
                switch threshold {
                case .keepAll: TaskVectorSparsifier(mask: .keepAll)
                case .keepNone: TaskVectorSparsifier(mask: .keepNone)
                default: TaskVectorSparsifier(mask: .magnitude(threshold))
                }
            }
        }
    }
}
