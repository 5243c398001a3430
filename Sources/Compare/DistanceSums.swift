/// The Float64 sums distances are made of, for one tensor or a whole model: per input its squared
/// norm and squared distance from the base, per pair of inputs its squared difference, largest
/// absolute difference and dot product of the two deltas from the base.
struct DistanceSums {
    /// The pairs of input positions, `(0, 1), (0, 2), …, (1, 2), …`.
    let pairs: [(first: Int, second: Int)]
    private(set) var normSquared: [Double]
    private(set) var deltaNormSquared: [Double]
    private(set) var differenceSquared: [Double]
    private(set) var maxAbsoluteDifference: [Double]
    private(set) var deltaDot: [Double]

    /// Zero sums for `inputCount` inputs.
    init(inputCount: Int) {
        pairs = (0..<inputCount).flatMap { first in ((first + 1)..<inputCount).map { (first, $0) } }
        normSquared = Array(repeating: 0, count: inputCount)
        deltaNormSquared = normSquared
        differenceSquared = Array(repeating: 0, count: pairs.count)
        maxAbsoluteDifference = differenceSquared
        deltaDot = differenceSquared
    }

    /// The sums over `range` of one chunk: `values` per input, `base` the base's values if any.
    init(values: [UnsafeBufferPointer<Double>], base: UnsafeBufferPointer<Double>?, range: Range<Int>) {
        self.init(inputCount: values.count)
        for (input, x) in values.enumerated() {
            var norm = 0.0
            var delta = 0.0
            if let base {
                for k in range {
                    let d = x[k] - base[k]
                    norm += x[k] * x[k]
                    delta += d * d
                }
            } else {
                for k in range { norm += x[k] * x[k] }
            }
            normSquared[input] = norm
            deltaNormSquared[input] = delta
        }
        for (pair, inputs) in pairs.enumerated() {
            let a = values[inputs.first]
            let b = values[inputs.second]
            var squares = 0.0
            var largest = 0.0
            var dot = 0.0
            if let base {
                for k in range {
                    let d = a[k] - b[k]
                    squares += d * d
                    largest = Self.larger(largest, abs(d))
                    dot += (a[k] - base[k]) * (b[k] - base[k])
                }
            } else {
                for k in range {
                    let d = a[k] - b[k]
                    squares += d * d
                    largest = Self.larger(largest, abs(d))
                }
            }
            differenceSquared[pair] = squares
            maxAbsoluteDifference[pair] = largest
            deltaDot[pair] = dot
        }
    }

    /// Adds `other`'s sums to these.
    mutating func add(_ other: DistanceSums) {
        for input in normSquared.indices {
            normSquared[input] += other.normSquared[input]
            deltaNormSquared[input] += other.deltaNormSquared[input]
        }
        for pair in pairs.indices {
            differenceSquared[pair] += other.differenceSquared[pair]
            maxAbsoluteDifference[pair] = Self.larger(maxAbsoluteDifference[pair], other.maxAbsoluteDifference[pair])
            deltaDot[pair] += other.deltaDot[pair]
        }
    }

    /// The metrics of pair number `pair`; cosines only when `hasBase`.
    func metrics(pair: Int, hasBase: Bool) -> DistanceMetrics {
        let (first, second) = pairs[pair]
        let distance = differenceSquared[pair].squareRoot()
        let norm = normSquared[first].squareRoot()
        let deltaNorms = deltaNormSquared[first].squareRoot() * deltaNormSquared[second].squareRoot()
        return DistanceMetrics(
            l2Distance: distance,
            maxAbsoluteDifference: maxAbsoluteDifference[pair],
            relativeChange: norm > 0 ? distance / norm : nil,
            cosineFromBase: hasBase && deltaNorms > 0 ? deltaDot[pair] / deltaNorms : nil
        )
    }

    /// The larger of two magnitudes, NaN if either is (NaN must not vanish from a maximum).
    private static func larger(_ current: Double, _ candidate: Double) -> Double {
        candidate > current || candidate.isNaN ? candidate : current
    }
}
