/// ‖δ‖₁ and ‖δ·m‖₁ of one ingredient's task vector under its mask, exactly (`ExactMagnitudeSum`):
/// each |δ| goes to the sum of the kept or of the dropped elements, one table update per element,
/// and ‖δ‖₁ is the two sums' exact total.
struct MaskedMagnitudeSums {
    private var kept = ExactMagnitudeSum()
    private var dropped = ExactMagnitudeSum()
    /// Whether the mask multiplies, so that a dropped ±Inf or NaN makes ‖δ·m‖₁ NaN (0·∞); a
    /// keep-none mask sets zeros instead.
    private let multiplies: Bool

    init(mask: TaskVectorSparsifier.Mask) {
        if case .keepNone = mask { multiplies = false } else { multiplies = true }
    }

    /// Adds the elements `start...` whose task-vector values are `deltas` (overwritten); `factors` is
    /// scratch of the same size.
    mutating func add(_ deltas: UnsafeMutableBufferPointer<Double>, under sparsifier: TaskVectorSparsifier, from start: Int, factors: UnsafeMutableBufferPointer<Double>) {
        switch sparsifier.mask {
        case .keepAll:
            kept.add(deltas)
        case .keepNone:
            dropped.add(deltas)
        case .magnitude, .random:
            sparsifier.fill(factors, deltas: deltas, from: start)
            kept.add(deltas, keptWhere: factors, dropped: &dropped)
        }
    }

    /// Adds another thread's sums for the same ingredient.
    mutating func add(_ other: MaskedMagnitudeSums) {
        kept.add(other.kept)
        dropped.add(other.dropped)
    }

    /// ‖δ‖₁, rounded once.
    var before: Double {
        var all = kept
        all.add(dropped)
        return all.total
    }

    /// ‖δ·m‖₁, rounded once.
    var after: Double {
        var masked = kept
        if multiplies, dropped.sawNonFinite { masked.poison() }
        return masked.total
    }
}
