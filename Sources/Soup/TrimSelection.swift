import TureenCore

/// The exact choice of the k = max(1, ⌊density·n⌋) largest magnitudes of one task vector (mergekit's
/// `magnitude` sparsification), made without holding the tensor: a radix selection over the 64-bit
/// magnitude keys (`TrimThreshold.magnitudeKey`), one 16-bit digit per streaming pass (at most four:
/// the sign bit is always clear), then, if the k-th largest key is shared by more elements than
/// are still to be kept, one pass that finds the index of the last tie kept.
struct TrimSelection {
    /// What the selection needs next.
    enum Step: Equatable {
        /// A histogram of the keys under the digit's prefix.
        case histogram(MagnitudeHistogram.Digit)
        /// The index of the `ties`-th element (in index order) whose key is `key`.
        case tieCutoff(key: UInt64, ties: Int)
        /// The selection is made.
        case done(TrimThreshold)
    }

    /// How many elements are kept.
    let keep: Int
    private(set) var step: Step
    /// Elements whose keys lie above the current prefix's range (all of them kept).
    private var above = 0

    /// The selection for a task vector of `elementCount` elements kept at `density`, as mergekit's
    /// `magnitude`: everything at density 1 or more, nothing at 0 or less, else at least one element.
    init(elementCount: Int, density: Double) {
        if density >= 1 {
            keep = elementCount
            step = .done(.keepAll)
        } else if !(density > 0) || elementCount == 0 {
            keep = 0
            step = .done(.keepNone)
        } else {
            keep = max(1, Int(density * Double(elementCount)))
            step = keep >= elementCount ? .done(.keepAll) : .histogram(MagnitudeHistogram.Digit(prefix: 0, prefixBits: 1))
        }
    }

    /// Takes the histogram the current step asked for and decides the next step.
    mutating func absorb(_ histogram: MagnitudeHistogram) {
        guard case let .histogram(digit) = step, digit == histogram.digit else {
            preconditionFailure("a histogram was given where the selection asked for \(step)")
        }
        var bucket = histogram.buckets.count - 1
        while bucket >= 0 {
            let count = histogram.buckets[bucket].count
            if above + count >= keep { break }
            above += count
            bucket -= 1
        }
        precondition(bucket >= 0, "fewer keys under the prefix than the selection counted")
        let chosen = histogram.buckets[bucket]
        let wanted = keep - above
        if wanted == chosen.count {
            step = .done(TrimThreshold(key: chosen.smallest, tieIndexLimit: .max))
        } else if chosen.smallest == chosen.largest {
            step = .tieCutoff(key: chosen.smallest, ties: wanted)
        } else {
            step = .histogram(digit.refined(by: bucket))
        }
    }

    /// Takes the index of the last tie kept.
    mutating func absorb(lastTieIndex: Int) {
        guard case let .tieCutoff(key, _) = step else {
            preconditionFailure("a tie index was given where the selection asked for \(step)")
        }
        step = .done(TrimThreshold(key: key, tieIndexLimit: lastTieIndex + 1))
    }
}

extension TrimSelection {
    /// Each ingredient's TIES threshold for `entry` (ingredients and base) at its density: histogram
    /// passes over the ingredients still undecided, then one pass on one thread over those whose
    /// threshold is shared by more elements than are kept.
    ///
    /// - Throws: what reading a source throws.
    static func thresholds(of entry: SoupPlan.Entry, densities: [Double], passes: StatisticsPass) throws -> [TrimThreshold] {
        guard let base = entry.base else { preconditionFailure("TIES needs a base") }
        let valueCount = entry.output.elementCount * entry.output.dtype.componentsPerElement
        var selections = densities.map { TrimSelection(elementCount: valueCount, density: $0) }
        func sources(_ ingredients: [Int]) -> [StoredTensor] { ingredients.map { entry.inputs[$0] } + [base] }
        while true {
            let undecided = selections.indices.compactMap { index -> (Int, MagnitudeHistogram.Digit)? in
                guard case let .histogram(digit) = selections[index].step else { return nil }
                return (index, digit)
            }
            guard !undecided.isEmpty else { break }
            let inputs = sources(undecided.map(\.0))
            let kernel = MagnitudeHistogramKernel(sourceTypes: inputs.map(\.info.dtype), digits: undecided.map(\.1))
            let histograms = kernel.combine(try passes.run(kernel, over: inputs))
            for ((index, _), histogram) in zip(undecided, histograms) { selections[index].absorb(histogram) }
        }
        let tied = selections.indices.compactMap { index -> (Int, (key: UInt64, rank: Int))? in
            guard case let .tieCutoff(key, rank) = selections[index].step else { return nil }
            return (index, (key, rank))
        }
        if !tied.isEmpty {
            var options = passes.options
            options.threadCount = 1
            var oneThread = StatisticsPass(options: options)
            oneThread.onProgress = passes.onProgress
            let inputs = sources(tied.map(\.0))
            let kernel = TieIndexKernel(sourceTypes: inputs.map(\.info.dtype), ties: tied.map(\.1))
            let found = try oneThread.run(kernel, over: inputs)[0].found
            for ((index, _), last) in zip(tied, found) {
                guard let last else { preconditionFailure("fewer ties than the histogram counted") }
                selections[index].absorb(lastTieIndex: last)
            }
        }
        return selections.map { selection in
            guard case let .done(threshold) = selection.step else { preconditionFailure("selection unfinished") }
            return threshold
        }
    }
}
