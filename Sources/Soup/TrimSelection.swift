/// The exact choice of the k = max(1, ⌊density·n⌋) largest magnitudes of one task vector (mergekit's
/// `magnitude` sparsification), made without holding the tensor: a radix selection over the 64-bit
/// magnitude keys (`TrimThreshold.magnitudeKey`), one 16-bit digit per streaming pass (at most four:
/// the sign bit is always clear), which a first histogram of a window of keys around a sampled
/// threshold may shortcut; then, if the k-th largest key is shared by more elements than are still
/// to be kept, the index of the last tie kept.
struct TrimSelection {
    /// What the selection needs next.
    enum Step: Equatable {
        /// A histogram of the keys in these buckets (those under a prefix, by the next digit).
        case histogram(MagnitudeHistogram.Buckets)
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
            step = keep >= elementCount ? .done(.keepAll) : .histogram(.allKeys)
        }
    }

    /// Takes the histogram the current step asked for and decides the next step.
    mutating func absorb(_ histogram: MagnitudeHistogram) {
        guard case let .histogram(range) = step, range == histogram.range else {
            preconditionFailure("a histogram was given where the selection asked for \(step)")
        }
        guard let next = choice(in: histogram, above: above) else {
            preconditionFailure("fewer keys under the prefix than the selection counted")
        }
        (step, above) = next
    }

    /// Takes, in place of the first histogram, a histogram of any range of keys and the number of
    /// keys above it, and decides the next step if the k-th largest key lies in the range; returns
    /// false, the selection unchanged, if it does not.
    mutating func absorb(window histogram: MagnitudeHistogram, keysAbove: Int) -> Bool {
        precondition(step == .histogram(.allKeys), "a window was given where the selection asked for \(step)")
        guard keysAbove < keep, let next = choice(in: histogram, above: keysAbove) else { return false }
        (step, above) = next
        return true
    }

    /// The step after `histogram`, with `above` keys above its range, and the keys above the
    /// bucket chosen; nil if the k-th largest key lies below the range.
    private func choice(in histogram: MagnitudeHistogram, above: Int) -> (Step, Int)? {
        var above = above
        var bucket = histogram.buckets.count - 1
        while bucket >= 0 {
            let count = histogram.buckets[bucket].count
            if above + count >= keep { break }
            above += count
            bucket -= 1
        }
        guard bucket >= 0 else { return nil }
        let chosen = histogram.buckets[bucket]
        let wanted = keep - above
        if wanted == chosen.count {
            // Every key of the bucket is at or above its common bits, every key of the buckets below is
            // under them: the same elements are kept as with the bucket's smallest key.
            return (.done(TrimThreshold(key: chosen.commonBits, tieIndexLimit: .max)), above)
        } else if chosen.holdsOneKey {
            return (.tieCutoff(key: chosen.commonBits, ties: wanted), above)
        } else {
            return (.histogram(histogram.range.refined(by: bucket)), above)
        }
    }

    /// Makes the selection, in place of every pass, from all the keys of the task vector in index
    /// order: the k-th largest key, and of the elements that share it, the first ones still to be kept.
    mutating func select(fromKeys keys: UnsafeBufferPointer<UInt64>) {
        precondition(step == .histogram(.allKeys), "keys were given where the selection asked for \(step)")
        let sorted = RadixSort.descending(Array(keys))
        let key = sorted[keep - 1]
        var (above, below) = (keep - 1, keep)
        while above > 0, sorted[above - 1] == key { above -= 1 }
        while below < sorted.count, sorted[below] == key { below += 1 }
        var ties = keep - above
        guard ties < below - above else {
            // Every element with the key is kept: no tie limit, as a histogram pass finds it.
            step = .done(TrimThreshold(key: key, tieIndexLimit: .max))
            return
        }
        for (index, candidate) in keys.enumerated() where candidate == key {
            ties -= 1
            if ties == 0 {
                step = .done(TrimThreshold(key: key, tieIndexLimit: index + 1))
                return
            }
        }
        preconditionFailure("fewer ties among the keys than sorted")
    }

    /// Takes the index of the last tie kept.
    mutating func absorb(lastTieIndex: Int) {
        guard case let .tieCutoff(key, _) = step else {
            preconditionFailure("a tie index was given where the selection asked for \(step)")
        }
        step = .done(TrimThreshold(key: key, tieIndexLimit: lastTieIndex + 1))
    }
}
