@testable import Soup
import TureenCore
import XCTest

/// Ingredients that store the same float tensors in different dtypes soup together: each input is
/// read in its own dtype, accumulated in Float64, and rounded once into the output dtype.
final class MixedPrecisionSoupTests: XCTestCase {
    private func bytes(_ values: [Double], as dtype: DType) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: values.count * dtype.byteWidth)
        values.withUnsafeBufferPointer { input in bytes.withUnsafeMutableBytes { ElementCodec.encode(input, to: dtype, into: $0) } }
        return bytes
    }

    private func values(_ bytes: [UInt8], as dtype: DType) -> [Double] {
        var values = [Double](repeating: 0, count: bytes.count / dtype.byteWidth)
        bytes.withUnsafeBytes { input in values.withUnsafeMutableBufferPointer { ElementCodec.decode(input, dtype: dtype, weight: 1, into: $0) } }
        return values
    }

    private func model(_ name: String, _ dtype: DType, _ values: [Double]) throws -> TensorStore {
        try Models.store(name, [("w", dtype, [values.count], bytes(values, as: dtype)), ("step", .i64, [1], Models.i64([7]))])
    }

    func testBF16FineTuneSoupsWithItsF32BaseIntoTheFirstIngredientsDType() throws {
        let f32 = try model("base.safetensors", .f32, [0.1, -2.5, 3.25, 1e-3])
        let bf16 = try model("ft.safetensors", .bf16, [0.125, -2.5, 3.0, 2e-3])
        let plan = try SoupPlan.make(ingredients: [f32, bf16], base: nil, recipe: try .uniform(count: 2), options: SoupOptions())
        XCTAssertEqual(plan.entries.map(\.output.dtype), [.f32, .i64])
        XCTAssertEqual(plan.mixedPrecision, [MixedPrecision(ingredient: 1, storedAs: .bf16, firstIngredientStoresAs: .f32, tensorCount: 1)])
        let out = try Models.soup([f32, bf16], recipe: try .uniform(count: 2))
        let exact = zip(values(bytes([0.1, -2.5, 3.25, 1e-3], as: .f32), as: .f32), values(bytes([0.125, -2.5, 3.0, 2e-3], as: .bf16), as: .bf16))
        XCTAssertEqual(values(out["w"]!, as: .f32), exact.map { Double(Float(($0 + $1) / 2)) })
        XCTAssertEqual(out["step"], Models.i64([7]))
    }

    func testBaseRelativeSoupReadsAnF32BaseBesideBF16AndF16FineTunes() throws {
        let base = try model("base", .f32, [1, 2, 3])
        let a = try model("a", .bf16, [1.5, 2, 2])
        let b = try model("b", .f16, [1, 3.5, 3])
        let recipe = try SoupRecipe.weighted([1, 1], normalize: false, baseRelative: .init(scale: 0.5))
        let plan = try SoupPlan.make(ingredients: [a, b], base: base, recipe: recipe, options: SoupOptions())
        XCTAssertEqual(plan.entries[0].output.dtype, .bf16, "the first ingredient's dtype, not the base's")
        XCTAssertEqual(plan.mixedPrecision.map(\.ingredient), [1, nil])
        let out = try Models.soup([a, b], base: base, recipe: recipe)
        XCTAssertEqual(values(out["w"]!, as: .bf16), [1.25, 2.75, 2.5])
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
            let all = (0...255).map { [UInt8($0)] }.map { values($0, as: dtype)[0] }.filter(\.isFinite)
            for wide in [DType.f16, .bf16] {
                XCTAssertEqual(values(bytes(all, as: wide), as: wide), all, "\(dtype) in \(wide)")
            }
        }
    }

    func testIntegerAgainstFloatAndRealAgainstComplexAreStillDifferentArchitectures() throws {
        let float = try Models.store("a", [("t", .f32, [2], bytes([1, 2], as: .f32))])
        let integer = try Models.store("b", [("t", .i32, [2], [1, 0, 0, 0, 2, 0, 0, 0])])
        XCTAssertThrowsError(try SoupPlan.make(ingredients: [float, integer], base: nil, recipe: try .uniform(count: 2), options: SoupOptions()))
        let complex = try Models.store("c", [("t", .c64, [1], bytes([1, 2], as: .f32))])
        XCTAssertThrowsError(try SoupPlan.make(ingredients: [float, complex], base: nil, recipe: try .uniform(count: 2), options: SoupOptions()))
    }

    func testMixedWidthsGiveTheSameResultWhateverTheChunksAndThreads() throws {
        let count = 150_001
        let a = (0..<count).map { Double($0 % 1000) * 0.25 }
        let b = (0..<count).map { Double($0 % 777) - 300 }
        let f64 = try Models.store("a", [("w", .f64, [count], bytes(a, as: .f64))])
        let bf16 = try Models.store("b", [("w", .bf16, [count], bytes(b, as: .bf16))])
        let expected = zip(a, values(bytes(b, as: .bf16), as: .bf16)).map { ($0 + $1) / 2 }
        for (chunk, threads) in [(1 << 20, 1), (70_001, 2), (4_099, 3)] {
            var options = SoupOptions()
            options.chunkElementCount = chunk
            options.threadCount = threads
            let out = try Models.soup([f64, bf16], recipe: try .uniform(count: 2), options: options)
            XCTAssertEqual(values(out["w"]!, as: .f64), expected, "chunk \(chunk), \(threads) threads")
        }
    }
}
