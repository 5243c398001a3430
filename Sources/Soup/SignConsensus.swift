/// TIES's sign election and disjoint merge over one block (mergekit's `generalized_task_arithmetic`
/// with sign consensus), four values at a time with the sums held in registers, so one loop over
/// the block serves every ingredient: the elected sign is + where Σ wᵢδ̃ᵢ ≥ 0 and − elsewhere (NaN
/// too); a term agrees when its product with the elected ±1 is positive (never a zero or NaN term);
/// the sum is Σ wᵢδ̃ᵢ·[agrees], the divisor Σ wᵢ·[agrees] (1 where that is 0), and the result
/// θ0 + λ·sum (÷ divisor when normalising). Each value's operations and their order are those of a
/// value-by-value loop, so the result does not depend on how the block is split.
struct SignConsensus {
    let weights: [Double]
    let normalize: Bool
    let lambda: Double

    /// Stores the merged value of every element of the block in `result`: `terms` holds each
    /// ingredient's wᵢδ̃ᵢ, `total` their sum, `base` θ0.
    func merge(
        terms: ArraySlice<UnsafeMutableBufferPointer<Double>>, total: UnsafeMutableBufferPointer<Double>,
        base: UnsafeMutableBufferPointer<Double>, into result: UnsafeMutableBufferPointer<Double>
    ) {
        terms.withUnsafeBufferPointer { terms in
            weights.withUnsafeBufferPointer { weights in
                let (zero, one) = (Vector(repeating: 0), Vector(repeating: 1))
                let lambda = Vector(repeating: lambda)
                var start = 0
                while start < result.count {
                    let lanes = min(Vector.scalarCount, result.count - start)
                    let elected = Vector(repeating: -1).replacing(with: one, where: Self.load(total, start, lanes) .>= zero)
                    var (sum, divisor) = (zero, zero)
                    for ingredient in 0..<terms.count {
                        let values = Self.load(terms[ingredient], start, lanes)
                        let agrees = zero.replacing(with: one, where: values * elected .> zero)
                        sum += values * agrees
                        divisor += Vector(repeating: weights[ingredient]) * agrees
                    }
                    let merged = normalize ? sum / divisor.replacing(with: one, where: divisor .== zero) : sum
                    let scaled = merged * lambda
                    Self.store(scaled + Self.load(base, start, lanes), into: result, start, lanes)
                    start += lanes
                }
            }
        }
    }

    typealias Vector = SIMD4<Double>

    /// `lanes` values of `block` from `start`, the other lanes 0.
    @inline(__always)
    private static func load(_ block: UnsafeMutableBufferPointer<Double>, _ start: Int, _ lanes: Int) -> Vector {
        guard lanes < Vector.scalarCount else {
            return UnsafeRawPointer(block.baseAddress! + start).loadUnaligned(as: Vector.self)
        }
        var vector = Vector(repeating: 0)
        for lane in 0..<lanes { vector[lane] = block[start + lane] }
        return vector
    }

    /// Stores the first `lanes` lanes of `vector` in `block` from `start`.
    @inline(__always)
    private static func store(_ vector: Vector, into block: UnsafeMutableBufferPointer<Double>, _ start: Int, _ lanes: Int) {
        guard lanes < Vector.scalarCount else {
            return UnsafeMutableRawPointer(block.baseAddress! + start).storeBytes(of: vector, as: Vector.self)
        }
        for lane in 0..<lanes { block[start + lane] = vector[lane] }
    }
}
