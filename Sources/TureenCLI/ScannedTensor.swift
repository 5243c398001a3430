import Tureen

/// One tensor's `--scan` figures.
struct ScannedTensor: Encodable {
    let name: String
    let dtype: String
    let shape: [Int]
    let values: Int
    let nan: Int
    let posInf: Int
    let negInf: Int
    let zeros: Int
    let min: Double?
    let max: Double?
    let mean: Double?
    let std: Double?
    let allZero: Bool

    init(_ scan: TensorScan) {
        let statistics = scan.statistics
        name = scan.info.name
        dtype = scan.info.dtype.rawValue
        shape = scan.info.shape
        values = statistics.valueCount
        nan = statistics.nanCount
        posInf = statistics.positiveInfinityCount
        negInf = statistics.negativeInfinityCount
        zeros = statistics.zeroCount
        min = statistics.minimum
        max = statistics.maximum
        mean = statistics.mean
        std = statistics.standardDeviation
        allZero = statistics.isAllZero
    }
}
