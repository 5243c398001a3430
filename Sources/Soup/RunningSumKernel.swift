import TureenCore

/// The arithmetic of a greedy-soup candidate over one piece: the Float64 sum of the addends (the
/// running sum of the kept ingredients and the new one, each decoded exactly from its own dtype, in
/// order, with weight 1), kept as the next running sum, then divided once by the number of
/// ingredients and rounded once to nearest-even into the output dtype.
///
/// The operations are those of `LinearMergeKernel` for a uniform recipe, in the same order, so a
/// candidate is bit for bit the uniform soup of the same ingredients listed in the same order.
struct RunningSumKernel {
    let addendTypes: [DType]
    let outputType: DType
    /// The number of ingredients the sum stands for.
    let count: Int
    private let division: CorrectlyRoundedDivision

    init(addendTypes: [DType], outputType: DType, count: Int) {
        self.addendTypes = addendTypes
        self.outputType = outputType
        self.count = count
        self.division = CorrectlyRoundedDivision(divisor: Double(count))
    }

    /// Computes `output` (components of `outputType`) from the addends' bytes for the same values,
    /// storing the Float64 sums in `sum` when given; returns how many results are NaN or ±Inf.
    /// `accumulator` is scratch space for `LinearMergeKernel.blockValues` values.
    func merge(
        addends: [UnsafeRawBufferPointer], accumulator: UnsafeMutableBufferPointer<Double>,
        sum: UnsafeMutableBufferPointer<Double>?, output: UnsafeMutableRawBufferPointer
    ) -> Int {
        let blockValues = LinearMergeKernel.blockValues
        precondition(accumulator.count >= blockValues, "accumulator smaller than a block")
        let outputWidth = outputType.componentType.byteWidth
        let valueCount = output.count / outputWidth
        var nonFinite = 0
        var start = 0
        while start < valueCount {
            let end = min(valueCount, start + blockValues)
            let block = UnsafeMutableBufferPointer(rebasing: accumulator[0..<(end - start)])
            for (index, addend) in addends.enumerated() {
                let width = addendTypes[index].componentType.byteWidth
                let input = UnsafeRawBufferPointer(rebasing: addend[(start * width)..<(end * width)])
                if index == 0 {
                    ElementCodec.decode(input, dtype: addendTypes[index], into: block)
                } else {
                    ElementCodec.accumulate(input, dtype: addendTypes[index], weight: 1, into: block)
                }
            }
            if let sum {
                _ = UnsafeMutableBufferPointer(rebasing: sum[start..<end]).update(fromContentsOf: block)
            }
            if count != 1 { division.apply(to: block) }
            let rounded = UnsafeMutableRawBufferPointer(rebasing: output[(start * outputWidth)..<(end * outputWidth)])
            ElementCodec.encode(UnsafeBufferPointer(block), to: outputType, into: rounded)
            nonFinite += ElementCodec.countNonFinite(UnsafeRawBufferPointer(rounded), dtype: outputType)
            start = end
        }
        return nonFinite
    }
}
