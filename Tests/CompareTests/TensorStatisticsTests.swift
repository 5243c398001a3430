import TureenCore
import TureenTestSupport
import XCTest
@testable import Compare

final class TensorStatisticsTests: XCTestCase {
    private func statistics(_ values: [Double], dtype: DType = .f32) throws -> TensorStatistics {
        let store = try StoreBuilder.store("s", [(name: "t", shape: [values.count], values: values)], dtype: dtype)
        return try TensorScan.statistics(of: store.tensors[0])
    }

    func testNonFiniteValuesAreCountedApartFromTheMoments() throws {
        let result = try statistics([.nan, .infinity, -.infinity, 2, 4])
        XCTAssertEqual(result.nanCount, 1)
        XCTAssertEqual(result.positiveInfinityCount, 1)
        XCTAssertEqual(result.negativeInfinityCount, 1)
        XCTAssertEqual(result.minimum, 2)
        XCTAssertEqual(result.maximum, 4)
        XCTAssertEqual(result.mean, 3)
        XCTAssertEqual(result.standardDeviation, 1)
        XCTAssertTrue(result.hasNonFinite)
    }

    func testAllZeroTensorsAreFlaggedButEmptyOnesAreNot() throws {
        XCTAssertTrue(try statistics([0, -0, 0], dtype: .bf16).isAllZero)
        XCTAssertFalse(try statistics([0, 1]).isAllZero)
        let empty = try statistics([])
        XCTAssertFalse(empty.isAllZero)
        XCTAssertNil(empty.mean)
    }

    func testIntegersAndBoolsAreScannedAsNumbers() throws {
        let counts = try statistics([3, -1, 7], dtype: .i32)
        XCTAssertEqual(counts.minimum, -1)
        XCTAssertEqual(counts.maximum, 7)
        XCTAssertEqual(counts.mean, 3)
        XCTAssertEqual(try statistics([1, 0, 1, 1], dtype: .bool).mean, 0.75)
    }

    func testStreamingOverManyChunksMatchesOnePass() throws {
        let values = (0..<700_000).map { Double($0 % 1013) * 0.25 + 1e4 }
        let streamed = try statistics(values, dtype: .f64)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        XCTAssertEqual(streamed.valueCount, values.count)
        XCTAssertEqual(streamed.mean!, mean, accuracy: 1e-9)
        XCTAssertEqual(streamed.standardDeviation!, variance.squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(streamed.minimum, 1e4)
    }

    func testMergingChunksGivesTheSameMomentsAsOneChunk() {
        let values: [Double] = [1, 5, -3, 8, 2.5, 0, 11]
        var merged = TensorStatistics()
        for split in [0..<2, 2..<3, 3..<7] {
            values[split].withUnsafeBufferPointer { merged.merge(TensorStatistics(values: $0)) }
        }
        let whole = values.withUnsafeBufferPointer { TensorStatistics(values: $0) }
        XCTAssertEqual(merged.mean!, whole.mean!, accuracy: 1e-12)
        XCTAssertEqual(merged.standardDeviation!, whole.standardDeviation!, accuracy: 1e-12)
        XCTAssertEqual(merged.zeroCount, 1)
    }
}
