import TureenCore

/// A merge method as the executor runs it, tensor by tensor: any first passes over the tensor's
/// inputs (`StatisticsPass`), the checks on what they found, then the kernel that computes the
/// tensor's chunks. `MergePreparation` calls it for every merged tensor before a byte is written.
package protocol TensorMergeMethod {
    /// Prepares `entry` (its inputs are the ingredients, then the base when the plan has one).
    ///
    /// - Throws: `MergeError` naming the tensor; what reading a source throws.
    func prepare(_ entry: SoupPlan.Entry, parameters: MergeRecipe.Parameters, passes: StatisticsPass) throws -> PreparedTensor
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
