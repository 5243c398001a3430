@testable import Soup
import TureenCore
import TureenTestSupport
import XCTest

/// Ingredients that store the same float tensors in different dtypes soup together: each input is
/// read in its own dtype, accumulated in Float64, and rounded once into the output dtype.
final class MixedPrecisionSoupTests: XCTestCase {
    private func model(_ name: String, _ dtype: DType, _ values: [Double]) throws -> TensorStore {
        try StoreBuilder.store(name, [("w", dtype, [values.count], TensorBytes.encode(values, as: dtype)), ("step", .i64, [1], TensorBytes.i64([7]))])
    }

    func testBF16FineTuneSoupsWithItsF32BaseIntoTheFirstIngredientsDType() throws {
        let f32 = try model("base.safetensors", .f32, [0.1, -2.5, 3.25, 1e-3])
        let bf16 = try model("ft.safetensors", .bf16, [0.125, -2.5, 3.0, 2e-3])
        let plan = try SoupPlan.make(ingredients: [f32, bf16], base: nil, recipe: try .uniform(count: 2), options: SoupOptions())
        XCTAssertEqual(plan.entries.map(\.output.dtype), [.f32, .i64])
        XCTAssertEqual(plan.mixedPrecision, [MixedPrecision(ingredient: 1, storedAs: .bf16, firstIngredientStoresAs: .f32, tensorCount: 1)])
        let out = try runSoup([f32, bf16], recipe: try .uniform(count: 2))
        let exact = zip(TensorBytes.decode(TensorBytes.encode([0.1, -2.5, 3.25, 1e-3], as: .f32), as: .f32),
                        TensorBytes.decode(TensorBytes.encode([0.125, -2.5, 3.0, 2e-3], as: .bf16), as: .bf16))
        XCTAssertEqual(TensorBytes.decode(out["w"]!, as: .f32), exact.map { Double(Float(($0 + $1) / 2)) })
        XCTAssertEqual(out["step"], TensorBytes.i64([7]))
    }

    func testBaseRelativeSoupReadsAnF32BaseBesideBF16AndF16FineTunes() throws {
        let base = try model("base", .f32, [1, 2, 3])
        let a = try model("a", .bf16, [1.5, 2, 2])
        let b = try model("b", .f16, [1, 3.5, 3])
        let recipe = try SoupRecipe.weighted([1, 1], normalize: false, baseRelative: .init(scale: 0.5))
        let plan = try SoupPlan.make(ingredients: [a, b], base: base, recipe: recipe, options: SoupOptions())
        XCTAssertEqual(plan.entries[0].output.dtype, .bf16, "the first ingredient's dtype, not the base's")
        XCTAssertEqual(plan.mixedPrecision.map(\.ingredient), [1, nil])
        let out = try runSoup([a, b], base: base, recipe: recipe)
        XCTAssertEqual(TensorBytes.decode(out["w"]!, as: .bf16), [1.25, 2.75, 2.5])
    }

    func testWidestPicksTheNarrowestDTypeHoldingEveryIngredientExactly() {
        XCTAssertEqual(OutputDTypeRule.widest.dtype(forIngredientDTypes: [.bf16, .f32]), .f32)
        XCTAssertEqual(OutputDTypeRule.widest.dtype(forIngredientDTypes: [.bf16, .f16]), .f32)
        XCTAssertEqual(OutputDTypeRule.widest.dtype(forIngredientDTypes: [.f8E4M3, .bf16]), .bf16)
        XCTAssertEqual(OutputDTypeRule.widest.dtype(forIngredientDTypes: [.f8E4M3, .f8E5M2]), .f16)
        XCTAssertEqual(OutputDTypeRule.widest.dtype(forIngredientDTypes: [.f16, .f64, .bf16]), .f64)
        XCTAssertEqual(OutputDTypeRule.widest.dtype(forIngredientDTypes: [.f16, .f16]), .f16)
        XCTAssertEqual(OutputDTypeRule.firstIngredient.dtype(forIngredientDTypes: [.bf16, .f32]), .bf16)
        XCTAssertEqual(OutputDTypeRule.fixed(.f16).dtype(forIngredientDTypes: [.bf16, .f32]), .f16)
    }

    func testEveryF8ValueIsExactInF16AndBF16() {
        for dtype in [DType.f8E4M3, .f8E5M2] {
            let all = (0...255).map { [UInt8($0)] }.map { TensorBytes.decode($0, as: dtype)[0] }.filter(\.isFinite)
            for wide in [DType.f16, .bf16] {
                XCTAssertEqual(TensorBytes.decode(TensorBytes.encode(all, as: wide), as: wide), all, "\(dtype) in \(wide)")
            }
        }
    }

    func testIntegerAgainstFloatAndRealAgainstComplexAreStillDifferentArchitectures() throws {
        let float = try StoreBuilder.store("a", [("t", .f32, [2], TensorBytes.encode([1, 2], as: .f32))])
        let integer = try StoreBuilder.store("b", [("t", .i32, [2], [1, 0, 0, 0, 2, 0, 0, 0])])
        XCTAssertThrowsError(try SoupPlan.make(ingredients: [float, integer], base: nil, recipe: try .uniform(count: 2), options: SoupOptions()))
        let complex = try StoreBuilder.store("c", [("t", .c64, [1], TensorBytes.encode([1, 2], as: .f32))])
        XCTAssertThrowsError(try SoupPlan.make(ingredients: [float, complex], base: nil, recipe: try .uniform(count: 2), options: SoupOptions()))
    }

    func testMixedWidthsGiveTheSameResultWhateverTheChunksAndThreads() throws {
        let count = 150_001
        let a = (0..<count).map { Double($0 % 1000) * 0.25 }
        let b = (0..<count).map { Double($0 % 777) - 300 }
        let f64 = try StoreBuilder.store("a", [("w", .f64, [count], TensorBytes.encode(a, as: .f64))])
        let bf16 = try StoreBuilder.store("b", [("w", .bf16, [count], TensorBytes.encode(b, as: .bf16))])
        let expected = zip(a, TensorBytes.decode(TensorBytes.encode(b, as: .bf16), as: .bf16)).map { ($0 + $1) / 2 }
        for (chunk, threads) in [(1 << 20, 1), (70_001, 2), (4_099, 3)] {
            var options = SoupOptions()
            options.chunkElementCount = chunk
            options.threadCount = threads
            let out = try runSoup([f64, bf16], recipe: try .uniform(count: 2), options: options)
            XCTAssertEqual(TensorBytes.decode(out["w"]!, as: .f64), expected, "chunk \(chunk), \(threads) threads")
        }
    }
}
