import TureenCore

/// How far checkpoints are apart, per tensor and for the whole model, for every pair of inputs:
/// L2 distance, largest absolute difference, relative change and, with a base θ0, the cosine of
/// the angle between the two inputs' deltas from it. Floating-point and complex tensors count
/// (complex ones as their real and imaginary components); integer and bool tensors are skipped.
public struct ModelDistance {
    /// Two inputs, by position in `labels`; θA is `first`.
    public struct InputPair: Sendable, Hashable {
        /// The position of θA.
        public let first: Int
        /// The position of θB.
        public let second: Int
    }

    /// The compared inputs' labels (the base excluded).
    public let labels: [String]
    /// The base's label, when there is one.
    public let baseLabel: String?
    /// Every pair of inputs, `(0, 1), (0, 2), …, (1, 2), …`.
    public let pairs: [InputPair]
    /// The compared tensor names, in order.
    public let tensorNames: [String]
    /// Integer and bool tensors, which distances leave out.
    public let skippedTensorNames: [String]
    /// `perTensor[t][p]`: tensor `tensorNames[t]` for pair `pairs[p]`.
    public let perTensor: [[DistanceMetrics]]
    /// `total[p]`: the whole model for pair `pairs[p]`.
    public let total: [DistanceMetrics]
    /// ‖θi‖ over the measured tensors, per input.
    public let norms: [Double]

    /// Measures every pair of `comparison`'s inputs, with the input at `basePosition` as θ0 if given.
    /// Each input is read once, chunk by chunk, on `threads` threads (nil: every core this process
    /// may use); `progress` gets (bytes done, bytes in all).
    ///
    /// - Throws: `CompareError.incompatibleArchitectures` if `comparison` is not compatible,
    ///   `.tooFewInputs` with fewer than two inputs besides the base, and read errors.
    public static func measure(
        _ comparison: ArchitectureComparison, basePosition: Int? = nil, threads: Int? = nil, progress: ((Int, Int) -> Void)? = nil
    ) throws -> ModelDistance {
        try comparison.requireCompatible()
        let inputs = comparison.inputs.indices.filter { $0 != basePosition }.map { comparison.inputs[$0] }
        guard inputs.count >= 2 else { throw CompareError.tooFewInputs(count: inputs.count) }
        let base = basePosition.map { comparison.inputs[$0] }
        let reference = inputs[0]
        var measured: [String] = []
        var skipped: [String] = []
        for name in comparison.tensorNames {
            let isInteger = reference.tensor(comparedAs: name)?.info.dtype.isIntegerOrBool ?? true
            if isInteger { skipped.append(name) } else { measured.append(name) }
        }
        let readers = inputs + (base.map { [$0] } ?? [])
        let total = measured.reduce(0) { sum, name in sum + readers.reduce(0) { $0 + ($1.tensor(comparedAs: name)?.info.byteCount ?? 0) } }
        var done = 0
        var whole = DistanceSums(inputCount: inputs.count)
        var perTensor: [[DistanceMetrics]] = []
        for name in measured {
            let tensors = readers.compactMap { $0.tensor(comparedAs: name) }
            var sums = DistanceSums(inputCount: inputs.count)
            let stream = ValueChunks(tensors: tensors, threads: threads)
            try stream.forEach { chunks in
                let values = Array(chunks.prefix(inputs.count))
                let baseValues = base == nil ? nil : chunks[inputs.count]
                for part in try ParallelLoop.map(count: values[0].count, threads: stream.threads, { DistanceSums(values: values, base: baseValues, range: $0) }) {
                    sums.add(part)
                }
            }
            whole.add(sums)
            perTensor.append(sums.pairs.indices.map { sums.metrics(pair: $0, hasBase: base != nil) })
            done += tensors.reduce(0) { $0 + $1.info.byteCount }
            progress?(done, total)
        }
        return ModelDistance(
            labels: inputs.map(\.label), baseLabel: base?.label,
            pairs: whole.pairs.map { InputPair(first: $0.first, second: $0.second) },
            tensorNames: measured, skippedTensorNames: skipped, perTensor: perTensor,
            total: whole.pairs.indices.map { whole.metrics(pair: $0, hasBase: base != nil) },
            norms: whole.normSquared.map { $0.squareRoot() })
    }

    /// The whole-model metrics with θA = input `first` and θB = input `second`, in either order
    /// (the relative change is taken against θA); nil when `first == second`.
    public func total(between first: Int, and second: Int) -> DistanceMetrics? {
        if let pair = pairs.firstIndex(of: InputPair(first: first, second: second)) { return total[pair] }
        guard let pair = pairs.firstIndex(of: InputPair(first: second, second: first)) else { return nil }
        let metrics = total[pair]
        return DistanceMetrics(
            l2Distance: metrics.l2Distance, maxAbsoluteDifference: metrics.maxAbsoluteDifference,
            relativeChange: norms[first] > 0 ? metrics.l2Distance / norms[first] : nil, cosineFromBase: metrics.cosineFromBase)
    }
}
