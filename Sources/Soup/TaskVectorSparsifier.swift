/// How one ingredient's task vector for one tensor is thinned and rescaled before it is merged:
/// δ̃ = (δ·m)·s, where m is 1 where the element is kept and 0 where not, and s is the rescale
/// factor (1 without rescaling). The mask multiplies, as mergekit's does, so a dropped NaN or ±Inf
/// becomes NaN (0·∞ in IEEE arithmetic) rather than vanishing, and the result says that the input
/// held it; at density 0, TIES's trim gives zeros, as mergekit's `magnitude` does.
struct TaskVectorSparsifier {
    enum Mask {
        case keepAll
        case keepNone
        case magnitude(TrimThreshold)
        case random(DropoutMask)
    }

    let mask: Mask
    var scale = 1.0

    /// Replaces `deltas[k]` (the task vector at element `start + k`) with w·δ̃, rounded as
    /// ((δ·m)·s)·w, and adds it to `total[k]` (sets `total[k]` to 0 + w·δ̃ when `startsTotal`);
    /// `factors` is scratch of the same size. (Multiplying by s = 1 changes no value.)
    func weigh(
        _ deltas: UnsafeMutableBufferPointer<Double>, from start: Int, weight: Double,
        into total: UnsafeMutableBufferPointer<Double>, startsTotal: Bool, factors: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(total.count >= deltas.count && factors.count >= deltas.count, "scratch shorter than the block")
        let scale = scale
        switch mask {
        case .keepAll:
            Self.accumulate(deltas, into: total, startsTotal: startsTotal) { delta, _ in (delta * scale) * weight }
        case .keepNone:
            let term = (0 * scale) * weight
            Self.accumulate(deltas, into: total, startsTotal: startsTotal) { _, _ in term }
        case let .magnitude(threshold):
            // The factor in the loop itself (no pass over a factor block).
            threshold.withFactors(from: start, count: deltas.count) { factor in
                Self.accumulate(deltas, into: total, startsTotal: startsTotal) { delta, k in ((delta * factor(delta, k)) * scale) * weight }
            }
        case let .random(dropout):
            dropout.fill(factors, from: start)
            let factors = factors.baseAddress.unsafelyUnwrapped
            Self.accumulate(deltas, into: total, startsTotal: startsTotal) { delta, k in ((delta * factors[k]) * scale) * weight }
        }
    }

    /// The least magnitude key kept among the elements `start..<start + count` where the mask over
    /// them is that one comparison (0 when every element is kept; `TrimThreshold.lowestKeptKey`);
    /// nil where it is not: a random mask, keep-none's zeros, a tie limit among the elements.
    func lowestKeptKey(from start: Int, count: Int) -> UInt64? {
        switch mask {
        case .keepAll: 0
        case let .magnitude(threshold): threshold.lowestKeptKey(from: start, count: count)
        case .keepNone, .random: nil
        }
    }

    /// Replaces each `deltas[k]` with `term(deltas[k], k)` and adds it to `total[k]` (or sets
    /// `total[k]` to 0 + it when `startsTotal`), in one loop the compiler vectorises.
    @inline(__always)
    private static func accumulate(
        _ deltas: UnsafeMutableBufferPointer<Double>, into total: UnsafeMutableBufferPointer<Double>, startsTotal: Bool,
        _ term: (Double, Int) -> Double
    ) {
        guard let values = deltas.baseAddress, let sums = total.baseAddress else { return }
        // Separate loops: a select between them in one loop becomes masked loads and stores that
        // stall on the previous block's stores.
        if startsTotal {
            for k in 0..<deltas.count {
                let weighed = term(values[k], k)
                values[k] = weighed
                sums[k] = 0 + weighed
            }
        } else {
            for k in 0..<deltas.count {
                let weighed = term(values[k], k)
                values[k] = weighed
                sums[k] += weighed
            }
        }
    }

    /// Stores a TIES or DARE mask's factor for element `start + k` (1 kept, 0 dropped) in
    /// `factors[k]`; `deltas` are the elements' task-vector values.
    func fill(_ factors: UnsafeMutableBufferPointer<Double>, deltas: UnsafeMutableBufferPointer<Double>, from start: Int) {
        switch mask {
        case let .magnitude(threshold): threshold.fill(factors, deltas: deltas, from: start)
        case let .random(dropout): dropout.fill(factors, from: start)
        case .keepAll, .keepNone: preconditionFailure("keep-all and keep-none masks need no factors")
        }
    }

    /// mergekit's `rescaled_masked_tensor` with the L1 norm: `before` = ‖δ‖₁, `after` = ‖δ·m‖₁;
    /// no rescaling when either is below 10⁻⁷ (NaN norms are not below it, and give NaN values).
    static func normMatchingScale(before: Double, after: Double) -> Double {
        before < 1e-7 || after < 1e-7 ? 1 : before / after
    }
}
