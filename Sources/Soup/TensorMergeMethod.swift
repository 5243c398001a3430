import TureenCore

/// A merge method as the executor runs it, tensor by tensor: the checks that need no reading, any
/// first passes over the tensor's inputs (`StatisticsPass`), the checks on what they found, then the
/// kernel that computes the tensor's chunks. `MergePreparation` checks every merged tensor, and
/// prepares it, before a byte is written, unless the method `preparesWhileMerging`.
package protocol TensorMergeMethod {
    /// Checks what can be checked of `entry` and its parameters without reading it (its dtype, the
    /// parameters' ranges).
    ///
    /// - Throws: `MergeError` naming the tensor.
    func check(_ entry: SoupPlan.Entry, parameters: MergeRecipe.Parameters) throws

    /// Whether `prepare`, once `check` has passed, throws nothing but what reading a source throws
    /// and finds no statistics, so that it may run while earlier tensors merge.
    var preparesWhileMerging: Bool { get }

    /// Prepares `entry` (its inputs are the ingredients, then the base when the plan has one), which
    /// `check` has passed.
    ///
    /// - Throws: `MergeError` naming the tensor; what reading a source throws.
    func prepare(_ entry: SoupPlan.Entry, parameters: MergeRecipe.Parameters, passes: StatisticsPass) throws -> PreparedTensor
}

extension TensorMergeMethod {
    /// Nothing to check before reading.
    func check(_ entry: SoupPlan.Entry, parameters: MergeRecipe.Parameters) throws {}

    /// Every tensor is prepared before the merge starts.
    var preparesWhileMerging: Bool { false }
}

/// One tensor ready to merge: its kernel, and what its first passes found (for the report).
package struct PreparedTensor {
    package let kernel: any MergeKernel
    /// Named figures: Model Stock's cosine and t, SLERP's cosine and weights, ….
    package let statistics: [String: Double]

    package init(kernel: any MergeKernel, statistics: [String: Double] = [:]) {
        self.kernel = kernel
        self.statistics = statistics
    }
}

extension SoupPlan.Entry {
    /// The dtype of every source the kernel reads: the ingredients', then the base's.
    var sourceTypes: [DType] { (inputs + (base.map { [$0] } ?? [])).map(\.info.dtype) }
    /// The ingredients, then the base.
    var sources: [StoredTensor] { inputs + (base.map { [$0] } ?? []) }
}
