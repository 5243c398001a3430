@testable import Soup
import TensorStore
import XCTest

final class SoupExecutionTests: XCTestCase {
    func testUniformSoupIsTheCorrectlyRoundedMean() throws {
        let a = try Models.store("a", [("w", .f32, [3], Models.f32([0.3645243, 1, 3]))])
        let b = try Models.store("b", [("w", .f32, [3], Models.f32([-1.0226563, 2, 4]))])
        let c = try Models.store("c", [("w", .f32, [3], Models.f32([0.10702231, 4, 5]))])
        let out = try Models.soup([a, b, c], recipe: try .uniform(count: 3))
        let expected = [(Double(Float(0.3645243)) + Double(Float(-1.0226563)) + Double(Float(0.10702231))) / 3, 7.0 / 3, 4]
        XCTAssertEqual(Models.floats(out["w"]!), expected.map { Float($0) })
    }

    func testChunksAndThreadsDoNotChangeTheResult() throws {
        let count = 200_003
        let a = try Models.store("a", [("w", .f32, [count], Models.f32((0..<count).map { Float($0) * 0.5 }))])
        let b = try Models.store("b", [("w", .f32, [count], Models.f32((0..<count).map { Float($0) * 1.5 }))])
        var options = SoupOptions()
        options.chunkElementCount = 70_001
        let out = try Models.soup([a, b], recipe: try .uniform(count: 2), options: options)
        XCTAssertEqual(Models.floats(out["w"]!), (0..<count).map { Float($0) })
    }

    func testBaseRelativeSoupAddsScaledDifferences() throws {
        let base = try Models.store("base", [("w", .f32, [2], Models.f32([1, 1]))])
        let a = try Models.store("a", [("w", .f32, [2], Models.f32([3, 1]))])
        let b = try Models.store("b", [("w", .f32, [2], Models.f32([1, 5]))])
        let recipe = try SoupRecipe.weighted([1, 1], normalize: false, baseRelative: .init(scale: 0.5))
        let out = try Models.soup([a, b], base: base, recipe: recipe)
        XCTAssertEqual(Models.floats(out["w"]!), [2, 3])
    }

    func testOutputDTypeRoundsFloatTensorsAndKeepsIntegers() throws {
        let a = try Models.store("a", [("w", .f32, [1], Models.f32([1.00390625])), ("ids", .i64, [2], Models.i64([0, 1]))])
        var options = SoupOptions()
        options.outputDType = .bf16
        let plan = try SoupPlan.make(ingredients: [a, a], base: nil, recipe: try .uniform(count: 2), options: options)
        XCTAssertEqual(plan.entries.map(\.output.dtype), [.bf16, .i64])
        let out = try Models.soup([a, a], recipe: try .uniform(count: 2), options: options)
        XCTAssertEqual(out["w"], [0x80, 0x3F], "1 + 2^-8 is a tie and rounds to even")
        XCTAssertEqual(out["ids"], Models.i64([0, 1]))
    }

    func testIntegerTensorsThatDifferAreRefusedUnlessTakingTheFirst() throws {
        let a = try Models.store("a", [("ids", .i64, [2], Models.i64([0, 1]))])
        let b = try Models.store("b", [("ids", .i64, [2], Models.i64([0, 2]))])
        XCTAssertThrowsError(try Models.soup([a, b], recipe: try .uniform(count: 2))) { error in
            XCTAssertTrue("\(error)".contains("'ids'"))
            XCTAssertTrue("\(error)".contains("b"))
        }
        var options = SoupOptions()
        options.integerPolicy = .takeFirst
        XCTAssertEqual(try Models.soup([a, b], recipe: try .uniform(count: 2), options: options)["ids"], Models.i64([0, 1]))
    }

    func testIncompatibleIngredientsGetAGroupedReport() throws {
        var first: [(String, DType, [Int], [UInt8])] = []
        var second: [(String, DType, [Int], [UInt8])] = []
        for layer in 0..<4 {
            first.append(("model.layers.\(layer).up.weight", .f32, [2], Models.f32([1, 2])))
            second.append(("model.layers.\(layer).up.weight", .f32, [1], Models.f32([1])))
        }
        first.append(("lm_head.weight", .f32, [1], Models.f32([1])))
        let a = try Models.store("a.safetensors", first)
        let b = try Models.store("b.safetensors", second)
        XCTAssertThrowsError(try SoupPlan.make(ingredients: [a, b], base: nil, recipe: try .uniform(count: 2), options: SoupOptions())) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("model.layers.{0..3}.up.weight: shape [2] vs [1]"), text)
            XCTAssertTrue(text.contains("lm_head.weight: missing from b.safetensors"), text)
        }
    }

    func testSkippingMissingTensorsListsThem() throws {
        let a = try Models.store("a", [("w", .f32, [1], Models.f32([1])), ("extra", .f32, [1], Models.f32([1]))])
        let b = try Models.store("b", [("w", .f32, [1], Models.f32([3]))])
        var options = SoupOptions()
        options.skipMissingTensors = true
        let plan = try SoupPlan.make(ingredients: [a, b], base: nil, recipe: try .uniform(count: 2), options: options)
        XCTAssertEqual(plan.entries.map(\.output.name), ["w"])
        XCTAssertEqual(plan.skipped, [MissingTensor(name: "extra", missingFrom: ["b"])])
    }

    func testNonFiniteValuesAreCountedAndCanFailTheSoup() throws {
        let a = try Models.store("a", [("w", .f32, [3], Models.f32([.nan, 1, .infinity]))])
        let b = try Models.store("b", [("w", .f32, [3], Models.f32([1, 1, 1]))])
        let recipe = try SoupRecipe.uniform(count: 2)
        let plan = try SoupPlan.make(ingredients: [a, b], base: nil, recipe: recipe, options: SoupOptions())
        let producer = SoupProducer(plan: plan, recipe: recipe, options: SoupOptions(), metadata: [:])
        try producer.produce(tensorAt: 0) { _ in }
        XCTAssertEqual(producer.nonFinite.perIngredient, [2, 0])
        XCTAssertEqual(producer.nonFinite.result, 2)
        var strict = SoupOptions()
        strict.failOnNonFinite = true
        XCTAssertThrowsError(try Models.soup([a, b], recipe: recipe, options: strict)) { XCTAssertTrue("\($0)".contains("'w'")) }
    }

    func testAWriteErrorStopsTheSoupAndReachesTheCaller() throws {
        struct DiskFull: Error {}
        let count = 50_000
        let a = try Models.store("a", [("w", .f32, [count], Models.f32(Array(repeating: 1, count: count)))])
        var options = SoupOptions()
        options.chunkElementCount = 1000
        let recipe = try SoupRecipe.uniform(count: 2)
        let plan = try SoupPlan.make(ingredients: [a, a], base: nil, recipe: recipe, options: options)
        let producer = SoupProducer(plan: plan, recipe: recipe, options: options, metadata: [:])
        var chunksWritten = 0
        XCTAssertThrowsError(try producer.produce(tensorAt: 0) { _ in
            chunksWritten += 1
            if chunksWritten == 3 { throw DiskFull() }
        }) { XCTAssertTrue($0 is DiskFull) }
        XCTAssertEqual(chunksWritten, 3, "no chunk is written after the failing one")
    }
}
