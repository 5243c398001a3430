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

    /// Replaces `deltas[k]` with δ̃ for element `start + k`; `factors` is scratch of the same size.
    func apply(to deltas: UnsafeMutableBufferPointer<Double>, from start: Int, factors: UnsafeMutableBufferPointer<Double>) {
        switch mask {
        case .keepAll:
            break
        case .keepNone:
            for k in deltas.indices { deltas[k] = 0 }
        case .magnitude, .random:
            fill(factors, deltas: deltas, from: start)
            for k in deltas.indices { deltas[k] *= factors[k] }
        }
        if scale != 1 {
            for k in deltas.indices { deltas[k] *= scale }
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
