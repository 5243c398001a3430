@testable import Soup
import TureenCore
import TureenTestSupport

/// One tensor "w" of `base` and `ingredients` (values stored as `dtype`) planned for a
/// base-relative merge, as the merge framework plans TIES and DARE.
func sparseMergeEntry(ingredients: [[Double]], base: [Double], dtype: DType = .f32, baseDType: DType? = nil, name: String = "w") throws -> SoupPlan.Entry {
    let stores = try ingredients.enumerated().map { index, values in
        try StoreBuilder.store("m\(index)", [(name: name, shape: [values.count], values: values)], dtype: dtype)
    }
    let baseStore = try StoreBuilder.store("base", [(name: name, shape: [base.count], values: base)], dtype: baseDType ?? dtype)
    let recipe = try SoupRecipe(weights: Array(repeating: 1, count: ingredients.count), baseRelative: .init(scale: 1))
    return try SoupPlan.make(ingredients: stores, base: baseStore, recipe: recipe, options: SoupOptions()).entries[0]
}

/// Statistics passes with `threads` threads and chunks of `chunk` elements.
func statisticsPasses(threads: Int = 1, chunk: Int = 1 << 20) -> StatisticsPass {
    var options = SoupOptions()
    options.threadCount = threads
    options.chunkElementCount = chunk
    return StatisticsPass(options: options)
}

/// Runs a prepared kernel over the whole tensor in slices of `slice` values and returns the
/// output's values and the non-finite counts.
func runKernel(_ kernel: any MergeKernel, on entry: SoupPlan.Entry, slice: Int = 1 << 20) throws -> (values: [Double], counts: NonFiniteCount) {
    let inputs = try entry.sources.map { try $0.allBytes() }
    let widths = kernel.inputWidths
    let outputWidth = kernel.outputType.componentType.byteWidth
    let count = entry.output.elementCount
    var output = [UInt8](repeating: 0, count: count * outputWidth)
    var counts = NonFiniteCount(ingredientCount: entry.inputs.count)
    let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: kernel.scratchValues)
    defer { scratch.deallocate() }
    var start = 0
    while start < count {
        let end = min(count, start + slice)
        let views = zip(inputs, widths).map { bytes, width in Array(bytes[(start * width)..<(end * width)]) }
        var piece = [UInt8](repeating: 0, count: (end - start) * outputWidth)
        try withRawViews(views) { raw in
            piece.withUnsafeMutableBytes { out in
                counts.add(kernel.merge(
                    ingredients: Array(raw.dropLast()), base: raw.last, firstValue: start, scratch: scratch, output: out))
            }
        }
        output.replaceSubrange((start * outputWidth)..<(end * outputWidth), with: piece)
        start = end
    }
    return (TensorBytes.decode(output, as: kernel.outputType), counts)
}

/// Calls `body` with a raw view of each array, in order.
func withRawViews(_ arrays: [[UInt8]], collected: [UnsafeRawBufferPointer] = [], _ body: ([UnsafeRawBufferPointer]) throws -> Void) throws {
    guard collected.count < arrays.count else { return try body(collected) }
    try arrays[collected.count].withUnsafeBytes { view in
        try withRawViews(arrays, collected: collected + [view], body)
    }
}

/// A value's bits for comparing results bit for bit, every NaN as the same NaN: IEEE 754 leaves the
/// sign and payload of a NaN result open, and the compiler may swap an addition's operands.
func comparableBits(_ value: Double) -> UInt64 { value.isNaN ? Double.nan.bitPattern : value.bitPattern }

/// One value of mergekit's TIES sign consensus (in Float64) from its terms wᵢδ̃ᵢ: the sign of their
/// sum from 0 elected (+ where it is ≥ 0, − elsewhere, NaN too), and θ0 + λ·(the sum of the terms
/// agreeing with it, divided by the sum of their weights when normalising, 1 where that is 0).
func signConsensusFormula(terms: [Double], weights: [Double], base: Double, normalize: Bool, lambda: Double) -> Double {
    let elected: Double = terms.reduce(0, +) >= 0 ? 1 : -1
    var (sum, divisor) = (0.0, 0.0)
    for (term, weight) in zip(terms, weights) {
        let agrees: Double = term * elected > 0 ? 1 : 0
        sum += term * agrees
        divisor += weight * agrees
    }
    return (normalize ? sum / (divisor == 0 ? 1 : divisor) : sum) * lambda + base
}
