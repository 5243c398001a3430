import TureenCore

/// A first pass that sums, in Float64, the dot products ⟨vᵢ, vⱼ⟩ (i ≤ j) of one tensor's vectors:
/// the raw values of every source, or, with `relativeToLast`, the differences of each source but the
/// last from the last (task vectors θᵢ − θ0, the base given last). Model Stock's cosines and SLERP's
/// angle come from these sums.
struct GramKernel: StatisticsKernel {
    /// The dtype of each source.
    let sourceTypes: [DType]
    /// Whether the last source is subtracted from the others (and not itself a vector).
    let relativeToLast: Bool

    /// How many vectors are dotted.
    var vectorCount: Int { relativeToLast ? sourceTypes.count - 1 : sourceTypes.count }

    /// One block per source.
    var scratchValues: Int { sourceTypes.count * LinearMergeKernel.blockValues }

    /// The upper triangle of the Gram matrix, row by row: (0,0), (0,1), …, (1,1), ….
    func makePartial() -> [Double] {
        Array(repeating: 0, count: vectorCount * (vectorCount + 1) / 2)
    }

    func accumulate(_ inputs: [UnsafeRawBufferPointer], firstValue: Int, scratch: UnsafeMutableBufferPointer<Double>, into sums: inout [Double]) {
        let block = LinearMergeKernel.blockValues
        let widths = sourceTypes.map(\.componentType.byteWidth)
        let valueCount = inputs[0].count / widths[0]
        var start = 0
        while start < valueCount {
            let end = min(valueCount, start + block)
            let count = end - start
            func vector(_ index: Int) -> UnsafeMutableBufferPointer<Double> {
                UnsafeMutableBufferPointer(rebasing: scratch[(index * block)..<(index * block + count)])
            }
            for (index, input) in inputs.enumerated() {
                let bytes = UnsafeRawBufferPointer(rebasing: input[(start * widths[index])..<(end * widths[index])])
                ElementCodec.decode(bytes, dtype: sourceTypes[index], into: vector(index))
            }
            if relativeToLast {
                let reference = vector(vectorCount)
                for index in 0..<vectorCount {
                    let difference = vector(index)
                    for k in 0..<count { difference[k] -= reference[k] }
                }
            }
            var slot = 0
            for i in 0..<vectorCount {
                for j in i..<vectorCount {
                    sums[slot] += Self.dot(vector(i), vector(j))
                    slot += 1
                }
            }
            start = end
        }
    }

    /// Adds the partial sums of every thread, in thread order.
    static func combine(_ partials: [[Double]]) -> [Double] {
        guard var total = partials.first else { return [] }
        for partial in partials.dropFirst() {
            for index in total.indices { total[index] += partial[index] }
        }
        return total
    }

    /// ⟨a, b⟩ with four partial sums, so the additions need not wait on each other.
    @inline(__always)
    private static func dot(_ a: UnsafeMutableBufferPointer<Double>, _ b: UnsafeMutableBufferPointer<Double>) -> Double {
        var partial = (0.0, 0.0, 0.0, 0.0)
        let count = a.count
        var k = 0
        while k + 4 <= count {
            partial.0 += a[k] * b[k]
            partial.1 += a[k + 1] * b[k + 1]
            partial.2 += a[k + 2] * b[k + 2]
            partial.3 += a[k + 3] * b[k + 3]
            k += 4
        }
        while k < count {
            partial.0 += a[k] * b[k]
            k += 1
        }
        return (partial.0 + partial.1) + (partial.2 + partial.3)
    }
}
