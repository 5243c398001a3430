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
            func bytes(_ index: Int) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: inputs[index][(start * widths[index])..<(end * widths[index])])
            }
            if relativeToLast {
                let reference = vector(vectorCount)
                ElementCodec.decode(bytes(vectorCount), dtype: sourceTypes[vectorCount], into: reference)
                for index in 0..<vectorCount {
                    ElementCodec.decodeDifference(bytes(index), dtype: sourceTypes[index], minus: UnsafeBufferPointer(reference), into: vector(index))
                }
            } else {
                for index in inputs.indices { ElementCodec.decode(bytes(index), dtype: sourceTypes[index], into: vector(index)) }
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

    /// ⟨a, b⟩ with 32 partial sums (four 8-lane vectors), so the additions need not wait on each
    /// other; the lanes are added up at the end of the block.
    @inline(__always)
    private static func dot(_ a: UnsafeMutableBufferPointer<Double>, _ b: UnsafeMutableBufferPointer<Double>) -> Double {
        assert(a.count == b.count, "vectors of different lengths")
        guard let left = a.baseAddress.map(UnsafeRawPointer.init), let right = b.baseAddress.map(UnsafeRawPointer.init) else { return 0 }
        let count = a.count
        let lanes = SIMD8<Double>.scalarCount
        let stride = MemoryLayout<Double>.stride
        @inline(__always)
        func product(at k: Int) -> SIMD8<Double> {
            left.loadUnaligned(fromByteOffset: k &* stride, as: SIMD8<Double>.self)
                * right.loadUnaligned(fromByteOffset: k &* stride, as: SIMD8<Double>.self)
        }
        var partials = (SIMD8<Double>(), SIMD8<Double>(), SIMD8<Double>(), SIMD8<Double>())
        var k = 0
        while k + 4 * lanes <= count {
            partials.0 += product(at: k)
            partials.1 += product(at: k &+ lanes)
            partials.2 += product(at: k &+ 2 &* lanes)
            partials.3 += product(at: k &+ 3 &* lanes)
            k &+= 4 &* lanes
        }
        while k + lanes <= count {
            partials.0 += product(at: k)
            k &+= lanes
        }
        var total = ((partials.0 + partials.1) + (partials.2 + partials.3)).sum()
        while k < count {
            total += a[k] * b[k]
            k &+= 1
        }
        return total
    }
}
