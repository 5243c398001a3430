@testable import Soup
import TureenCore
import TureenTestSupport
import XCTest

final class SoupExecutionTests: XCTestCase {
    func testUniformSoupIsTheCorrectlyRoundedMean() throws {
        let a = try StoreBuilder.store("a", [("w", .f32, [3], TensorBytes.f32([0.3645243, 1, 3]))])
        let b = try StoreBuilder.store("b", [("w", .f32, [3], TensorBytes.f32([-1.0226563, 2, 4]))])
        let c = try StoreBuilder.store("c", [("w", .f32, [3], TensorBytes.f32([0.10702231, 4, 5]))])
        let out = try runSoup([a, b, c], recipe: try .uniform(count: 3))
        let expected = [(Double(Float(0.3645243)) + Double(Float(-1.0226563)) + Double(Float(0.10702231))) / 3, 7.0 / 3, 4]
        XCTAssertEqual(TensorBytes.floats(out["w"]!), expected.map { Float($0) })
    }

    func testChunksAndThreadsDoNotChangeTheResult() throws {
        let count = 200_003
        let a = try StoreBuilder.store("a", [("w", .f32, [count], TensorBytes.f32((0..<count).map { Float($0) * 0.5 }))])
        let b = try StoreBuilder.store("b", [("w", .f32, [count], TensorBytes.f32((0..<count).map { Float($0) * 1.5 }))])
        var options = SoupOptions()
        options.chunkElementCount = 70_001
        let out = try runSoup([a, b], recipe: try .uniform(count: 2), options: options)
        XCTAssertEqual(TensorBytes.floats(out["w"]!), (0..<count).map { Float($0) })
    }

    func testBaseRelativeSoupAddsScaledDifferences() throws {
        let base = try StoreBuilder.store("base", [("w", .f32, [2], TensorBytes.f32([1, 1]))])
        let a = try StoreBuilder.store("a", [("w", .f32, [2], TensorBytes.f32([3, 1]))])
        let b = try StoreBuilder.store("b", [("w", .f32, [2], TensorBytes.f32([1, 5]))])
        let recipe = try SoupRecipe.weighted([1, 1], normalize: false, baseRelative: .init(scale: 0.5))
        let out = try runSoup([a, b], base: base, recipe: recipe)
        XCTAssertEqual(TensorBytes.floats(out["w"]!), [2, 3])
    }

    func testOutputDTypeRoundsFloatTensorsAndKeepsIntegers() throws {
        let a = try StoreBuilder.store("a", [("w", .f32, [1], TensorBytes.f32([1.00390625])), ("ids", .i64, [2], TensorBytes.i64([0, 1]))])
        var options = SoupOptions()
        options.outputDType = .fixed(.bf16)
        let plan = try SoupPlan.make(ingredients: [a, a], base: nil, recipe: try .uniform(count: 2), options: options)
        XCTAssertEqual(plan.entries.map(\.output.dtype), [.bf16, .i64])
        let out = try runSoup([a, a], recipe: try .uniform(count: 2), options: options)
        XCTAssertEqual(out["w"], [0x80, 0x3F], "1 + 2^-8 is a tie and rounds to even")
        XCTAssertEqual(out["ids"], TensorBytes.i64([0, 1]))
    }

    func testIntegerTensorsThatDifferAreRefusedUnlessTakingTheFirst() throws {
        let a = try StoreBuilder.store("a", [("ids", .i64, [2], TensorBytes.i64([0, 1]))])
        let b = try StoreBuilder.store("b", [("ids", .i64, [2], TensorBytes.i64([0, 2]))])
        XCTAssertThrowsError(try runSoup([a, b], recipe: try .uniform(count: 2))) { error in
            XCTAssertTrue("\(error)".contains("'ids'"))
            XCTAssertTrue("\(error)".contains("b"))
        }
        var options = SoupOptions()
        options.integerPolicy = .takeFirst
        XCTAssertEqual(try runSoup([a, b], recipe: try .uniform(count: 2), options: options)["ids"], TensorBytes.i64([0, 1]))
    }

    func testIncompatibleIngredientsGetAGroupedReport() throws {
        var first: [(name: String, dtype: DType, shape: [Int], bytes: [UInt8])] = []
        var second: [(name: String, dtype: DType, shape: [Int], bytes: [UInt8])] = []
        for layer in 0..<4 {
            first.append(("model.layers.\(layer).up.weight", .f32, [2], TensorBytes.f32([1, 2])))
            second.append(("model.layers.\(layer).up.weight", .f32, [1], TensorBytes.f32([1])))
        }
        first.append(("lm_head.weight", .f32, [1], TensorBytes.f32([1])))
        let a = try StoreBuilder.store("a.safetensors", first)
        let b = try StoreBuilder.store("b.safetensors", second)
        XCTAssertThrowsError(try SoupPlan.make(ingredients: [a, b], base: nil, recipe: try .uniform(count: 2), options: SoupOptions())) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("model.layers.{0..3}.up.weight: shape [2] vs [1]"), text)
            XCTAssertTrue(text.contains("lm_head.weight: missing from b.safetensors"), text)
            guard case let .incompatibleIngredients(mismatch)? = error as? SoupError else { return XCTFail(text) }
            XCTAssertEqual(mismatch.labels, ["a.safetensors", "b.safetensors"])
            XCTAssertEqual(mismatch.groups.filter(\.isBlocking).map(\.kind), [.missing, .shape])
            XCTAssertEqual(mismatch.blockingCount, 5)
            XCTAssertFalse(mismatch.onlyTensorsAreMissing)
        }
    }

    func testSkippingMissingTensorsListsThem() throws {
        let a = try StoreBuilder.store("a", [("w", .f32, [1], TensorBytes.f32([1])), ("extra", .f32, [1], TensorBytes.f32([1]))])
        let b = try StoreBuilder.store("b", [("w", .f32, [1], TensorBytes.f32([3]))])
        var options = SoupOptions()
        options.skipMissingTensors = true
        let plan = try SoupPlan.make(ingredients: [a, b], base: nil, recipe: try .uniform(count: 2), options: options)
        XCTAssertEqual(plan.entries.map(\.output.name), ["w"])
        XCTAssertEqual(plan.skipped, [MissingTensor(name: "extra", missingFrom: ["b"])])
    }

    func testNonFiniteValuesAreCountedAndCanFailTheSoup() throws {
        let a = try StoreBuilder.store("a", [("w", .f32, [3], TensorBytes.f32([.nan, 1, .infinity]))])
        let b = try StoreBuilder.store("b", [("w", .f32, [3], TensorBytes.f32([1, 1, 1]))])
        let recipe = try SoupRecipe.uniform(count: 2)
        let plan = try SoupPlan.make(ingredients: [a, b], base: nil, recipe: recipe, options: SoupOptions())
        let producer = SoupProducer(plan: plan, recipe: recipe, options: SoupOptions(), metadata: [:])
        try producer.produce(tensorAt: 0) { _ in }
        XCTAssertEqual(producer.nonFinite.perIngredient, [2, 0])
        XCTAssertEqual(producer.nonFinite.result, 2)
        var strict = SoupOptions()
        strict.failOnNonFinite = true
        XCTAssertThrowsError(try runSoup([a, b], recipe: recipe, options: strict)) { XCTAssertTrue("\($0)".contains("'w'")) }
    }

    func testAWriteErrorStopsTheSoupAndReachesTheCaller() throws {
        struct DiskFull: Error {}
        let count = 50_000
        let a = try StoreBuilder.store("a", [("w", .f32, [count], TensorBytes.f32(Array(repeating: 1, count: count)))])
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

    func testCopiedAndViewedSourcesGiveTheSameSoup() throws {
        // Memory sources are read by per-thread copies; sources that only offer views (as decoders
        // do) are viewed once per chunk. Both paths, over many pieces and both threads, must agree.
        let count = 300_001
        let values: [[Float]] = (0..<3).map { seed in
            (0..<count).map { index -> Float in
                let scrambled = (index &* 7919 &+ seed &* 104_729) % 100_003
                return Float(scrambled) * 0.001 - 50
            }
        }
        let copied = try values.enumerated().map { try StoreBuilder.store("c\($0.offset)", [("w", .f32, [count], TensorBytes.f32($0.element))]) }
        let viewed = try values.enumerated().map { index, floats in
            try TensorStore(location: "v\(index)", formatName: "memory", tensors: [
                StoredTensor(info: try TensorInfo(name: "w", dtype: .f32, shape: [count]), source: ViewOnlySource(bytes: TensorBytes.f32(floats))),
            ])
        }
        XCTAssertTrue(copied[0].tensors[0].source.supportsConcurrentCopies)
        XCTAssertFalse(viewed[0].tensors[0].source.supportsConcurrentCopies)
        var options = SoupOptions()
        options.chunkElementCount = 100_000
        options.outputDType = .fixed(.bf16)
        let recipe = try SoupRecipe.uniform(count: 3)
        let fromCopies = try runSoup(copied, recipe: recipe, options: options)["w"]!
        XCTAssertEqual(fromCopies, try runSoup(viewed, recipe: recipe, options: options)["w"]!)
        let expected = (0..<count).map { index in
            FloatBits.bf16(fromDouble: values.reduce(0.0) { $0 + Double($1[index]) } / 3)
        }
        XCTAssertEqual(fromCopies.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }, expected)
    }

    func testNonFiniteValuesAnywhereInALargeTensorAreCountedPerInput() throws {
        let count = 250_000
        var a = [Float](repeating: 1, count: count)
        var b = [Float](repeating: 2, count: count)
        var base = [Float](repeating: 0, count: count)
        a[0] = .nan
        a[131_071] = .infinity
        b[131_072] = -.infinity
        b[count - 1] = .nan
        base[200_000] = .infinity
        let stores = try [("a", a), ("b", b), ("base", base)].map { try StoreBuilder.store($0.0, [("w", .f32, [count], TensorBytes.f32($0.1))]) }
        let recipe = try SoupRecipe.weighted([1, 1], normalize: false, baseRelative: .init(scale: 0.5))
        let plan = try SoupPlan.make(ingredients: Array(stores[0..<2]), base: stores[2], recipe: recipe, options: SoupOptions())
        let producer = SoupProducer(plan: plan, recipe: recipe, options: SoupOptions(), metadata: [:])
        var output: [UInt8] = []
        try producer.produce(tensorAt: 0) { output += $0 }
        XCTAssertEqual(producer.nonFinite.perIngredient, [2, 2])
        XCTAssertEqual(producer.nonFinite.base, 1)
        XCTAssertEqual(producer.nonFinite.result, 5)
        XCTAssertEqual(TensorBytes.floats(output).filter { !$0.isFinite }.count, 5)
    }

    func testAReadErrorStopsTheSoupAndNamesTheFile() throws {
        let count = 100_000
        let good = try StoreBuilder.store("a", [("w", .f32, [count], TensorBytes.f32(Array(repeating: 1, count: count)))])
        let failing = try TensorStore(location: "b", formatName: "memory", tensors: [
            StoredTensor(info: try TensorInfo(name: "w", dtype: .f32, shape: [count]), source: FailingSource(failAt: 250_000)),
        ])
        XCTAssertThrowsError(try runSoup([good, failing], recipe: try .uniform(count: 2))) { error in
            XCTAssertTrue("\(error)".contains("broken.safetensors"), "\(error)")
        }
    }
}

/// Bytes in memory that, like a decoder's output, can only be viewed in order.
private final class ViewOnlySource: TensorByteSource {
    private let bytes: [UInt8]

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
}
