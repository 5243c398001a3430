/// Bounds on what a checkpoint's pickle may build, so a hostile pickle cannot exhaust memory or
/// the stack: real checkpoints stay far below each.
struct PickleLimits {
    /// Containers nested deeper than this are refused (a 50k-deep value crashes Swift's release runtime).
    var maximumDepth = 100
    /// The largest memo index.
    var maximumMemoIndex = 1 << 22
    /// Values built or copied in all: each tensor costs about twenty, and a REDUCE also costs the
    /// values its arguments hold (a memoized list of pairs made into an `OrderedDict` over and over).
    var maximumObjects = 4_000_000
    /// Bytes produced by `_codecs.encode` in all, so one memoized string encoded over and over
    /// costs its length each time up to this bound (real checkpoints hold a few small `bytes`).
    var maximumEncodedBytes = 1 << 28
    /// The longest storage key: torch writes numbers (`'0'`, or an address in legacy files), and
    /// every reference to a storage hashes its key.
    var maximumStorageKeyBytes = 64
    /// Values visited when flattening the result: shared references count each time they are
    /// reached, so a 60-level `[x, x]` memo bomb stops here instead of expanding to 2^60. (A state
    /// dict visits about one value per tensor; a list without tensors counts its length, since it
    /// is looked through at every reference.)
    var maximumVisits = 1_000_000
    /// Bytes of the dotted names built while flattening, in all: a long memoized key reused at
    /// every level would otherwise make each visit copy it again. (A state dict of 100,000
    /// tensors with 100-byte names builds 10 MB.)
    var maximumNameBytes = 1 << 28
    /// Non-tensor values listed one by one; the rest are counted in one line.
    var maximumReportedValues = 10_000

    /// The limits Tureen reads with.
    static let standard = PickleLimits()
}
