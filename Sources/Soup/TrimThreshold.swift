/// Which elements of a task vector TIES keeps: those whose magnitude key is above `key`, and of
/// those whose key equals it, the ones at an index below `tieIndexLimit` (ties at the threshold
/// are kept lowest index first).
///
/// The magnitude key of δ is the bit pattern of |δ| as a Float64 (the sign bit cleared): for
/// non-negative values the bit patterns are ordered as the values are, and NaN (whatever its
/// payload) sorts above +Inf, as in torch's sort and top-k, so a NaN in a task vector is kept first.
struct TrimThreshold: Sendable, Equatable {
    /// Magnitude keys above it are kept, and those equal to it at an index below `tieIndexLimit`.
    let key: UInt64
    /// Elements whose key equals `key` are kept when their index is below this.
    let tieIndexLimit: Int

    /// Keeps every element (density 1 or more).
    static let keepAll = TrimThreshold(key: 0, tieIndexLimit: .max)
    /// Keeps no element (density 0 or less): no key is above `UInt64.max`.
    static let keepNone = TrimThreshold(key: .max, tieIndexLimit: 0)

    /// The magnitude key of `delta`.
    @inline(__always)
    static func magnitudeKey(_ delta: Double) -> UInt64 {
        delta.bitPattern & 0x7FFF_FFFF_FFFF_FFFF
    }

    /// Whether the element at `index` whose task-vector value is `delta` is kept.
    @inline(__always)
    func keeps(_ delta: Double, at index: Int) -> Bool {
        let magnitude = Self.magnitudeKey(delta)
        return magnitude > key || (magnitude == key && index < tieIndexLimit)
    }

    /// Calls `body` with the mask factor, 1 kept and 0 dropped, of the element `start + k` whose
    /// task-vector value is δ, as `factor(δ, k)`, for `k` below `count`. Where those elements all
    /// lie on one side of the tie limit, one comparison per element decides (with the threshold's
    /// key before it, the next key at or past it), which the compiler vectorises.
    @inline(__always)
    func withFactors<Result>(
        from start: Int, count: Int, _ body: (_ factor: (_ delta: Double, _ offset: Int) -> Double) -> Result
    ) -> Result {
        if let lowestKept = lowestKeptKey(from: start, count: count) {
            return body { delta, _ in Self.magnitudeKey(delta) >= lowestKept ? 1 : 0 }
        }
        return body { delta, offset in keeps(delta, at: start &+ offset) ? 1 : 0 }
    }

    /// The least magnitude key kept among the elements `start..<start + count`, where they all lie
    /// on one side of the tie limit (an element is then kept exactly when its key is at least
    /// this); nil where the tie limit falls among them.
    @inline(__always)
    func lowestKeptKey(from start: Int, count: Int) -> UInt64? {
        // Magnitude keys are below 2⁶³, so a key of 2⁶⁴ − 1 (keep none) is never reached and the
        // next key never wraps.
        start >= tieIndexLimit ? (key == .max ? .max : key + 1) : start + count <= tieIndexLimit ? key : nil
    }

    /// Stores 1 in `factors[k]` where `deltas[k]` (element `start + k`) is kept and 0 where not.
    func fill(_ factors: UnsafeMutableBufferPointer<Double>, deltas: UnsafeMutableBufferPointer<Double>, from start: Int) {
        withFactors(from: start, count: factors.count) { factor in
            for k in factors.indices { factors[k] = factor(deltas[k], k) }
        }
    }
}
