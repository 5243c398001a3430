import TureenCore
import TureenTestSupport
import XCTest
@testable import Compare

final class ModelDistanceTests: XCTestCase {
    private func measure(_ stores: [TensorStore], base: Int? = nil) throws -> ModelDistance {
        try ModelDistance.measure(try ArchitectureComparison(stores: stores, dtypePolicy: .floatingPointMayDiffer), basePosition: base)
    }

    func testDistancesAndAngleMatchHandComputedValues() throws {
        let base = try StoreBuilder.store("0", [(name: "w", shape: [3], values: [1, 1, 1])])
        let a = try StoreBuilder.store("a", [(name: "w", shape: [3], values: [2, 1, 1])])
        let b = try StoreBuilder.store("b", [(name: "w", shape: [3], values: [2, 2, 1])])
        let distance = try measure([base, a, b], base: 0)
        XCTAssertEqual(distance.labels, ["a", "b"])
        let total = distance.total[0]
        XCTAssertEqual(total.l2Distance, 1)
        XCTAssertEqual(total.maxAbsoluteDifference, 1)
        XCTAssertEqual(total.relativeChange!, 1 / 6.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(total.cosineFromBase!, 1 / 2.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(total.angleFromBaseDegrees!, 45, accuracy: 1e-9)
    }

    func testWholeModelSumsOverTensorsAndSkipsIntegers() throws {
        let a = try StoreBuilder.store("a", [(name: "x", shape: [2], values: [0, 3]), (name: "y", shape: [1], values: [0])])
        let b = try StoreBuilder.store("b", [(name: "x", shape: [2], values: [0, 0]), (name: "y", shape: [1], values: [4])])
        var stores = [a, b]
        let ids = try StoreBuilder.store("ids", [(name: "ids", shape: [2], values: [1, 2])], dtype: .i64)
        stores = try stores.map { store in
            try TensorStore(location: store.location, formatName: "memory", tensors: store.tensors + ids.tensors)
        }
        let distance = try measure(stores)
        XCTAssertEqual(distance.skippedTensorNames, ["ids"])
        XCTAssertEqual(distance.perTensor.map { $0[0].l2Distance }, [3, 4])
        XCTAssertEqual(distance.total[0].l2Distance, 5)
        XCTAssertEqual(distance.total[0].maxAbsoluteDifference, 4)
        XCTAssertEqual(distance.total[0].relativeChange, 5.0 / 3.0)
        XCTAssertNil(distance.total[0].cosineFromBase)
    }

    func testEveryPairIsMeasuredAndEitherOrderCanBeAskedFor() throws {
        let stores = try [[1.0, 0], [0, 1], [2, 0]].enumerated().map { try StoreBuilder.store("\($0.offset)", [(name: "w", shape: [2], values: $0.element)]) }
        let distance = try measure(stores)
        XCTAssertEqual(distance.pairs.map { [$0.first, $0.second] }, [[0, 1], [0, 2], [1, 2]])
        XCTAssertEqual(distance.total(between: 2, and: 0)?.l2Distance, 1)
        XCTAssertEqual(distance.total(between: 2, and: 0)?.relativeChange, 0.5)
        XCTAssertEqual(distance.total(between: 0, and: 2)?.relativeChange, 1)
    }

    func testNaNDifferencesSurviveTheMaximum() throws {
        let a = try StoreBuilder.store("a", [(name: "w", shape: [3], values: [.nan, 1, 2])])
        let b = try StoreBuilder.store("b", [(name: "w", shape: [3], values: [0, 5, 2])])
        XCTAssertTrue(try measure([a, b]).total[0].maxAbsoluteDifference.isNaN)
    }

    func testBF16AndF32CopiesOfOneModelAreCompared() throws {
        let values = (0..<300_000).map { Double($0 % 97) / 8 }
        let f32 = try StoreBuilder.store("f32", [(name: "w", shape: [values.count], values: values)])
        let bf16 = try StoreBuilder.store("bf16", [(name: "w", shape: [values.count], values: values)], dtype: .bf16)
        let distance = try measure([f32, bf16])
        XCTAssertEqual(distance.total[0].l2Distance, 0)
        XCTAssertEqual(distance.norms[0], values.reduce(0) { $0 + $1 * $1 }.squareRoot(), accuracy: 1e-6)
    }

    func testIncompatibleCheckpointsAreRefused() throws {
        let a = try StoreBuilder.store("a", [(name: "w", shape: [2], values: [1, 2])])
        let b = try StoreBuilder.store("b", [(name: "w", shape: [1], values: [1])])
        XCTAssertThrowsError(try measure([a, b])) { error in
            XCTAssertEqual("\(error)", "a, b: different architectures (1 difference over 1 tensor name)\ndifferences in shapes:\n  w: shape [2] vs [1]")
        }
    }
}
