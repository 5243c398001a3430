/// Bounds on what a checkpoint's pickle may build, so a hostile pickle cannot exhaust memory or
/// the stack: real checkpoints stay far below each.
struct PickleLimits {
    /// Containers nested deeper than this are refused (a 50k-deep value crashes Swift's release runtime).
    var maximumDepth = 100
    /// The largest memo index.
    var maximumMemoIndex = 1 << 22
    /// Values built in all (each tensor costs about twenty).
    var maximumObjects = 4_000_000
    /// Values visited when flattening the result: shared references count each time they are
    /// reached, so a 60-level `[x, x]` memo bomb stops here instead of expanding to 2^60. (A state
    /// dict visits about one value per tensor; lists without tensors count once.)
    var maximumVisits = 1_000_000
    /// Non-tensor values listed one by one; the rest are counted in one line.
    var maximumReportedValues = 10_000

    /// The limits Tureen reads with.
    static let standard = PickleLimits()
}
