import TureenCore

/// How a soup treats what the recipe does not say: output dtype, integer tensors, tensors missing
/// from some ingredients, non-finite values, and the execution knobs.
public struct SoupOptions: Sendable {
    /// What to do with integer and bool tensors (never averaged).
    public enum IntegerPolicy: String, Sendable, CaseIterable {
        /// Copy them when identical in every ingredient; otherwise refuse, naming the tensor.
        case requireIdentical = "identical"
        /// Take the first ingredient's.
        case takeFirst = "first"
    }

    /// The dtype each floating-point tensor is written in (the first ingredient's unless told).
    public var outputDType: OutputDTypeRule = .firstIngredient
    /// The integer and bool tensor policy.
    public var integerPolicy: IntegerPolicy = .requireIdentical
    /// Leave out (and report) tensors missing from some ingredients instead of refusing the soup.
    public var skipMissingTensors = false
    /// Stop with an error if any ingredient or the result holds NaN or ±Inf.
    public var failOnNonFinite = false
    /// Elements per chunk: the size of the two output buffers, and of the views taken of decoded
    /// inputs. Large enough that thread hand-offs and page releases are rare; the kernel itself
    /// works in L1-sized blocks.
    public var chunkElementCount = 1 << 20
    /// Threads that share each chunk's arithmetic: by default, every core this process may run on
    /// (its CPU affinity, which a container or `taskset` may narrow).
    public var threadCount = ParallelLoop.defaultThreadCount

    /// Options with every choice at its default.
    public init() {}
}
