import XCTest
@testable import TureenCore

final class CoreTypesTests: XCTestCase {
    func testTensorInfoRejectsOverflowingShapes() {
        XCTAssertThrowsError(try TensorInfo(name: "w", dtype: .f32, shape: [1 << 40, 1 << 30])) { error in
            XCTAssertTrue("\(error)".contains("'w'"), "error should name the tensor: \(error)")
        }
        XCTAssertThrowsError(try TensorInfo(name: "w", dtype: .f64, shape: [Int.max / 4]))
        XCTAssertThrowsError(try TensorInfo(name: "w", dtype: .f32, shape: [-1, 4]))
    }

    func testAnEmptyTensorIsRefusedWhenItsOtherDimensionsOverflowWhereverTheZeroIs() throws {
        // Regression: [0, 2⁶³ − 1, 2⁶³ − 1] was accepted (the product stopped at 0), [2⁶³ − 1, 2⁶³ − 1, 0]
        // refused; numpy refuses both ("array is too big"), so the output could not be loaded.
        for shape in [[0, Int.max, Int.max], [Int.max, Int.max, 0], [0, 1 << 62, 4], [1 << 62, 0, 1 << 2]] {
            XCTAssertThrowsError(try TensorInfo(name: "z", dtype: .f32, shape: shape, file: "z.npy"), "\(shape)") { error in
                XCTAssertTrue("\(error)".contains("'z'"), "\(error)")
            }
        }
        XCTAssertEqual(try TensorInfo(name: "z", dtype: .f32, shape: [0, 1 << 20, 1 << 20]).byteCount, 0)
    }

    func testTensorInfoRefusesMoreDimensionsThanNumpyAndPyTorchAllow() throws {
        XCTAssertEqual(try TensorInfo(name: "w", dtype: .f32, shape: Array(repeating: 1, count: TensorInfo.maximumRank)).shape.count, 64)
        XCTAssertThrowsError(try TensorInfo(name: "w", dtype: .f32, shape: Array(repeating: 1, count: 65), file: "deep.npy")) { error in
            XCTAssertEqual(error as? TensorStoreError, .invalidShape(path: "deep.npy", tensor: "w", detail: "65 dimensions; numpy and PyTorch allow at most 64"))
        }
    }

    func testTensorInfoCountsScalarsAndEmptyTensors() throws {
        XCTAssertEqual(try TensorInfo(name: "s", dtype: .bf16, shape: []).byteCount, 2)
        XCTAssertEqual(try TensorInfo(name: "e", dtype: .f32, shape: [3, 0]).byteCount, 0)
        XCTAssertEqual(try TensorInfo(name: "m", dtype: .c64, shape: [2, 3]).byteCount, 48)
    }

    func testDTypeParsesSafetensorsNamesAndAliases() {
        XCTAssertEqual(DType(name: "BF16"), .bf16)
        XCTAssertEqual(DType(name: "bfloat16"), .bf16)
        XCTAssertEqual(DType(name: "f32"), .f32)
        XCTAssertEqual(DType(name: "f8_e4m3"), .f8E4M3)
        XCTAssertNil(DType(name: "f7"))
    }

    func testByteSizeUsesDecimalAndBinaryUnits() {
        XCTAssertEqual(ByteSize.parse("5GB"), 5_000_000_000)
        XCTAssertEqual(ByteSize.parse("500MB"), 500_000_000)
        XCTAssertEqual(ByteSize.parse("2GiB"), 2 << 30)
        XCTAssertEqual(ByteSize.parse("1000"), 1000)
        XCTAssertNil(ByteSize.parse("-5GB"))
        XCTAssertNil(ByteSize.parse("lots"))
    }

    func testACastToANonFloatingDTypeIsRefusedAsSuch() throws {
        let store = try TensorStore(location: "m", formatName: "memory", tensors: [])
        XCTAssertThrowsError(try StoreProducer(store: store, castTo: .i32)) {
            XCTAssertEqual($0 as? CastError, .targetNotFloatingPoint(.i32))
        }
        XCTAssertNoThrow(try StoreProducer(store: store, castTo: .bf16))
    }
}
