import TureenCore

/// The arithmetic of a merge method over one slice of a chunk of one tensor, as the streaming
/// executor (`SoupProducer`, through `ChunkComputation`) calls it on every thread: the inputs'
/// bytes for the slice in, the slice's rounded output out. The linear soup's kernel is one; a
/// method that needs statistics of the whole tensor (a cosine, a magnitude threshold) receives
/// them from its first passes (`StatisticsPass`) when it is made, before any chunk is computed.
package protocol MergeKernel: Sendable {
    /// The dtype of each input: the ingredients', then the base's when there is one.
    var inputTypes: [DType] { get }
    var outputType: DType { get }
    /// Float64 scratch values each thread needs for one call of `merge`.
    var scratchValues: Int { get }

    /// Computes `output` (components of `outputType`) from the ingredient and base slices,
    /// counting non-finite values. `firstValue` is the tensor-wide index of the slice's first value
    /// (a component, for complex tensors), for kernels whose arithmetic depends on it (a random mask
    /// keyed by element index must not depend on chunking or threads).
    func merge(
        ingredients: [UnsafeRawBufferPointer], base: UnsafeRawBufferPointer?, firstValue: Int,
        scratch: UnsafeMutableBufferPointer<Double>, output: UnsafeMutableRawBufferPointer
    ) -> NonFiniteCount
}

extension MergeKernel {
    /// Bytes per value (per component of a complex element) of each input.
    var inputWidths: [Int] { inputTypes.map(\.componentType.byteWidth) }
}
