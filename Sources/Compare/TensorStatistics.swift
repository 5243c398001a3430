import Foundation

/// Summary statistics of a tensor's values, built chunk by chunk in Float64. Minimum, maximum,
/// mean and standard deviation cover the finite values; NaNs and infinities are counted apart.
/// Chunks combine exactly (Chan et al.'s pairwise update), so the order of chunks does not matter.
public struct TensorStatistics: Sendable, Equatable {
    /// How many values were seen (complex numbers count as two).
    public private(set) var valueCount = 0
    /// How many values were NaN.
    public private(set) var nanCount = 0
    /// How many values were +∞.
    public private(set) var positiveInfinityCount = 0
    /// How many values were −∞.
    public private(set) var negativeInfinityCount = 0
    /// How many values were zero (of either sign).
    public private(set) var zeroCount = 0
    private var finiteCount = 0
    private var finiteMinimum = Double.infinity
    private var finiteMaximum = -Double.infinity
    private var finiteMean = 0.0
    private var squaredDeviationSum = 0.0

    /// Statistics of no values.
    public init() {}

    /// Statistics of `values`, computed in two passes (mean, then squared deviations).
    public init(values: UnsafeBufferPointer<Double>) {
        valueCount = values.count
        var sum = 0.0
        for value in values {
            if value.isFinite {
                finiteCount += 1
                sum += value
                if value < finiteMinimum { finiteMinimum = value }
                if value > finiteMaximum { finiteMaximum = value }
                if value == 0 { zeroCount += 1 }
            } else if value.isNaN {
                nanCount += 1
            } else if value > 0 {
                positiveInfinityCount += 1
            } else {
                negativeInfinityCount += 1
            }
        }
        guard finiteCount > 0 else { return }
        finiteMean = sum / Double(finiteCount)
        var squares = 0.0
        for value in values where value.isFinite {
            let deviation = value - finiteMean
            squares += deviation * deviation
        }
        squaredDeviationSum = squares
    }

    /// Adds the values `other` summarises.
    public mutating func merge(_ other: TensorStatistics) {
        guard other.valueCount > 0 else { return }
        let combined = finiteCount + other.finiteCount
        if combined > 0 {
            let delta = other.finiteMean - finiteMean
            let share = Double(other.finiteCount) / Double(combined)
            squaredDeviationSum += other.squaredDeviationSum + delta * delta * Double(finiteCount) * share
            finiteMean += delta * share
        }
        finiteCount = combined
        valueCount += other.valueCount
        nanCount += other.nanCount
        positiveInfinityCount += other.positiveInfinityCount
        negativeInfinityCount += other.negativeInfinityCount
        zeroCount += other.zeroCount
        finiteMinimum = min(finiteMinimum, other.finiteMinimum)
        finiteMaximum = max(finiteMaximum, other.finiteMaximum)
    }

    /// The smallest finite value, or nil when there is none.
    public var minimum: Double? { finiteCount > 0 ? finiteMinimum : nil }
    /// The largest finite value, or nil when there is none.
    public var maximum: Double? { finiteCount > 0 ? finiteMaximum : nil }
    /// The mean of the finite values, or nil when there is none.
    public var mean: Double? { finiteCount > 0 ? finiteMean : nil }
    /// The population standard deviation of the finite values (NumPy's `std`), or nil when there is none.
    public var standardDeviation: Double? { finiteCount > 0 ? (squaredDeviationSum / Double(finiteCount)).squareRoot() : nil }
    /// Whether the tensor has values and every one is zero: often a layer that was never trained or saved.
    public var isAllZero: Bool { valueCount > 0 && zeroCount == valueCount }
    /// Whether any value is NaN or infinite.
    public var hasNonFinite: Bool { nanCount + positiveInfinityCount + negativeInfinityCount > 0 }
}
