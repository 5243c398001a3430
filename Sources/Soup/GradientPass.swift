import TureenCore

/// The learned soup's gradient pass: one streaming pass over the ingredients and the loss
/// gradient that gives, for every merged tensor t and ingredient i, dₜᵢ = ⟨∂loss/∂θₜ, θₜᵢ − θₜ⟩
/// in Float64, where θₜ is the current soup. Through the softmax, ∂loss/∂αₜᵢ = wₜᵢ·dₜᵢ.
///
/// Both cores share each chunk (`ChunkPieces`); working memory is a few blocks per thread.
package struct GradientPass {
    /// The soup's checked plan; its merged entries are the tensors mixed.
    package let plan: SoupPlan
    package let options: SoupOptions

    /// A pass over the tensors of `plan`.
    package init(plan: SoupPlan, options: SoupOptions) {
        self.plan = plan
        self.options = options
    }

    /// Checks that `gradient` holds a floating-point tensor of the same name and shape for every
    /// merged tensor (complex for complex ones), and no other tensor but the copied integer ones.
    ///
    /// - Throws: `GradientError.doesNotMatch`, listing every problem.
    package func check(_ gradient: TensorStore) throws {
        var problems: [String] = []
        let merged = Set(plan.entries.filter(\.isMerged).map(\.output.name))
        let copied = Set(plan.entries.filter { !$0.isMerged }.map(\.output.name))
        for entry in plan.entries where entry.isMerged {
            let name = entry.output.name
            guard let tensor = gradient.tensor(named: name) else {
                problems.append("'\(name)' \(entry.output.shapeDescription) is missing")
                continue
            }
            if tensor.info.shape != entry.output.shape {
                problems.append("'\(name)' has shape \(tensor.info.shapeDescription) where the soup's is \(entry.output.shapeDescription)")
            } else if tensor.info.dtype.isIntegerOrBool || tensor.info.dtype.isComplex != entry.output.dtype.isComplex {
                problems.append("'\(name)' is \(tensor.info.dtype) where a \(entry.output.dtype.isComplex ? "complex" : "floating-point") gradient is needed")
            }
        }
        for tensor in gradient.tensors where !merged.contains(tensor.info.name) && !copied.contains(tensor.info.name) {
            problems.append("'\(tensor.info.name)' is not a tensor of the soup")
        }
        if !problems.isEmpty { throw GradientError.doesNotMatch(path: gradient.location, problems: problems) }
    }

    /// Computes dₜᵢ for every plan entry (an empty row for copied ones), each tensor mixed with
    /// `weights(entryIndex)`. `onProgress` receives the input bytes consumed.
    ///
    /// - Throws: `GradientError` if the gradient does not match or yields non-finite values;
    ///   what reading a source throws.
    package func derivatives(
        gradient: TensorStore, weights: (Int) -> [Double], onProgress: ((Int) -> Void)? = nil
    ) throws -> [[Double]] {
        try check(gradient)
        let buffers = ChunkBuffers()
        var rows: [[Double]] = []
        for (index, entry) in plan.entries.enumerated() {
            guard entry.isMerged else {
                rows.append([])
                continue
            }
            let gradientTensor = gradient.tensor(named: entry.output.name)!
            let kernel = GradientKernel(ingredientTypes: entry.inputs.map(\.info.dtype), gradientType: gradientTensor.info.dtype, weights: weights(index))
            let row = try derivatives(of: entry, gradient: gradientTensor, kernel: kernel, buffers: buffers, onProgress: onProgress)
            guard row.allSatisfy(\.isFinite) else {
                let holdsNonFinite = try Self.holdsNonFinite(gradientTensor, chunkElementCount: options.chunkElementCount)
                throw holdsNonFinite ? GradientError.nonFinite(path: gradient.location, tensor: entry.output.name)
                    : GradientError.derivativeOverflows(path: gradient.location, tensor: entry.output.name)
            }
            rows.append(row)
        }
        return rows
    }

    /// Whether `tensor` holds NaN or ±Inf (read again, only once a derivative came out non-finite).
    private static func holdsNonFinite(_ tensor: StoredTensor, chunkElementCount: Int) throws -> Bool {
        var found = false
        try tensor.copyChunks(of: chunkElementCount, into: { found = found || ElementCodec.countNonFinite($0, dtype: tensor.info.dtype) > 0 }, progress: nil)
        return found
    }

    private func derivatives(
        of entry: SoupPlan.Entry, gradient: StoredTensor, kernel: GradientKernel, buffers: ChunkBuffers, onProgress: ((Int) -> Void)?
    ) throws -> [Double] {
        let ingredientCount = entry.inputs.count
        let pieces = ChunkPieces(sources: entry.inputs + [gradient], threadCount: options.threadCount, buffers: buffers)
        let threads = max(1, options.threadCount)
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: threads * GradientKernel.scratchValues)
        let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: threads * ingredientCount)
        sums.initialize(repeating: 0)
        defer {
            scratch.deallocate()
            sums.deallocate()
        }
        let bytesPerValue = entry.inputs.reduce(0) { $0 + $1.info.dtype.componentType.byteWidth } + gradient.info.dtype.componentType.byteWidth
        let totalValues = entry.output.elementCount * entry.output.dtype.componentsPerElement
        let chunkValues = options.chunkElementCount * entry.output.dtype.componentsPerElement
        var value = 0
        pieces.prefetch(0..<chunkValues)
        while value < totalValues {
            let values = value..<min(totalValues, value + chunkValues)
            pieces.prefetch(values.upperBound..<(values.upperBound + chunkValues))
            try pieces.forEachPiece(of: values) { part, _, inputs in
                kernel.accumulate(
                    inputs: inputs,
                    scratch: UnsafeMutableBufferPointer(rebasing: scratch[(part * GradientKernel.scratchValues)..<((part + 1) * GradientKernel.scratchValues)]),
                    into: UnsafeMutableBufferPointer(rebasing: sums[(part * ingredientCount)..<((part + 1) * ingredientCount)]))
            }
            onProgress?(values.count * bytesPerValue)
            value = values.upperBound
        }
        return (0..<ingredientCount).map { ingredient in
            (0..<threads).reduce(0) { $0 + sums[$1 * ingredientCount + ingredient] }
        }
    }
}
