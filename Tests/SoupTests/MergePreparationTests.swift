@testable import Soup
import TureenCore
import TureenTestSupport
import XCTest

final class MergePreparationTests: XCTestCase {
    private func merge(
        _ ingredients: [TensorStore], base: TensorStore?, recipe: MergeRecipe, options: SoupOptions = SoupOptions()
    ) throws -> (output: [String: [UInt8]], statistics: [MergedTensorStatistics]) {
        let planned = try recipe.method.ingredientsAndBase(ingredients: ingredients, base: base)
        let planRecipe = try SoupRecipe.uniform(count: planned.ingredients.count, baseRelative: planned.base == nil ? nil : .init(scale: 1))
        let plan = try SoupPlan.make(ingredients: planned.ingredients, base: planned.base, recipe: planRecipe, options: options)
        let preparation = try MergePreparation(plan: plan, recipe: recipe, options: options)
        let producer = SoupProducer(plan: plan, recipe: planRecipe, options: options, metadata: [:])
        producer.preparedKernels = preparation.kernels
        var output: [String: [UInt8]] = [:]
        for (index, info) in producer.tensors.enumerated() {
            var bytes: [UInt8] = []
            try producer.produce(tensorAt: index) { bytes += $0 }
            output[info.name] = bytes
        }
        return (output, preparation.statistics)
    }

    private func vector(_ name: String, _ values: [Double]) throws -> TensorStore {
        try StoreBuilder.store(name, [(name: "w", shape: [values.count], values: values)])
    }

    func testModelStockTIsTheSameForEveryChunkSizeAndThreadCount() throws {
        let count = 300_007
        let base = try vector("base", (0..<count).map { Double($0 % 7) })
        let a = try vector("a", (0..<count).map { Double($0 % 7) + Double($0 % 5) - 2 })
        let b = try vector("b", (0..<count).map { Double($0 % 7) + Double($0 % 3) - 1 })
        let recipe = MergeRecipe(method: .modelStock, parameters: .init(method: .modelStock, ingredientCount: 2))
        var reference: [String: [UInt8]]?
        var referenceT: Double?
        for (threads, chunk) in [(1, 1 << 20), (2, 70_001), (3, 65_536)] {
            var options = SoupOptions()
            options.threadCount = threads
            options.chunkElementCount = chunk
            let result = try merge([a, b], base: base, recipe: recipe, options: options)
            let t = try XCTUnwrap(result.statistics.first?.values["t"])
            if let referenceT { XCTAssertEqual(t, referenceT, accuracy: 1e-14) } else { referenceT = t }
            if let reference { XCTAssertEqual(result.output, reference) } else { reference = result.output }
        }
    }

    func testOnlyTheGivenEntriesArePreparedButEveryTensorsParametersAreChecked() throws {
        func model(_ name: String, _ offset: Double) throws -> TensorStore {
            try StoreBuilder.store(name, [(name: "u", shape: [3], values: [1, 2, 3].map { $0 + offset }), (name: "w", shape: [2], values: [4, offset])])
        }
        let plan = try SoupPlan.make(ingredients: [try model("a", 1), try model("b", -2)], base: try model("base", 0), recipe: .uniform(count: 2, baseRelative: .init(scale: 1)), options: SoupOptions())
        let w = try XCTUnwrap(plan.entries.firstIndex { $0.output.name == "w" })
        let u = try XCTUnwrap(plan.entries.firstIndex { $0.output.name == "u" })
        var recipe = MergeRecipe(method: .modelStock, parameters: .init(method: .modelStock, ingredientCount: 2))
        let share = try MergePreparation(plan: plan, recipe: recipe, options: SoupOptions(), entryIndices: [w])
        XCTAssertNotNil(try share.kernels.kernel(forEntry: w))
        XCTAssertNil(try share.kernels.kernel(forEntry: u))
        XCTAssertEqual(share.statistics.map(\.tensor), ["w"])
        XCTAssertEqual(share.statistics, try MergePreparation(plan: plan, recipe: recipe, options: SoupOptions()).statistics.filter { $0.tensor == "w" })
        recipe.tensorParameters["u"] = .init(method: .modelStock, ingredientCount: 3)
        XCTAssertThrowsError(try MergePreparation(plan: plan, recipe: recipe, options: SoupOptions(), entryIndices: [w])) {
            guard case .invalidParameters(tensor: "u", _)? = $0 as? MergeError else { return XCTFail("\($0)") }
        }
    }

    func testModelStockNeedsTwoModelsAndABase() throws {
        let a = try vector("a", [1, 2])
        let recipe = MergeRecipe(method: .modelStock, parameters: .init(method: .modelStock, ingredientCount: 1))
        XCTAssertThrowsError(try merge([a], base: a, recipe: recipe)) {
            XCTAssertEqual($0 as? MergeError, .ingredientCount(.modelStock, expected: "at least two models", given: 1))
        }
        XCTAssertThrowsError(try merge([a, a], base: nil, recipe: recipe)) { XCTAssertEqual($0 as? MergeError, .baseRequired(.modelStock)) }
    }

    func testSlerpOfOrthogonalVectorsFollowsTheCircle() throws {
        var parameters = MergeRecipe.Parameters(method: .slerp, ingredientCount: 1)
        parameters.t = 1.0 / 3
        let result = try merge([try vector("other", [0, 2])], base: try vector("base", [2, 0]), recipe: MergeRecipe(method: .slerp, parameters: parameters))
        // Ω = 90°: the weights are sin(60°) and sin(30°), so the result is (√3, 1).
        XCTAssertEqual(TensorBytes.floats(result.output["w"]!), [Float(3.0.squareRoot()), 1])
    }

    func testSlerpWeightsAreMergekitsNearTheParallelThreshold() {
        XCTAssertEqual(SlerpMethod.weights(t: 0.3, dot: 0.9996, squaredNorms: (1, 1)).weights.base, 0.7)
        let curved = SlerpMethod.weights(t: 0.3, dot: 0.9994, squaredNorms: (1, 1)).weights
        XCTAssertNotEqual(curved.base, 0.7)
        // Vectors with norms at most 1e-8 are not normalised.
        XCTAssertEqual(SlerpMethod.weights(t: 0.5, dot: 1e-17, squaredNorms: (1e-17, 1e-17)).cosine, 1e-17)
    }

    func testKernelsReceiveTheTensorWideIndexOfEachSlice() throws {
        let count = 200_001
        let a = try vector("a", Array(repeating: 0, count: count))
        var options = SoupOptions()
        options.threadCount = 3
        options.chunkElementCount = 70_001
        let plan = try SoupPlan.make(ingredients: [a], base: nil, recipe: try .uniform(count: 1), options: options)
        let producer = SoupProducer(plan: plan, recipe: try .uniform(count: 1), options: options, metadata: [:])
        producer.preparedKernels = PreparedKernels([0: ElementIndexKernel()])
        var bytes: [UInt8] = []
        try producer.produce(tensorAt: 0) { bytes += $0 }
        XCTAssertEqual(TensorBytes.floats(bytes), (0..<count).map { Float($0) })
    }

    func testProgressCountsANormPassOnlyWhereSomeTensorIsRescaledToItsNorm() {
        // Regression: DARE's default (1/density) makes no norm pass, but progress counted one, so the
        // bar stopped near half way, then jumped.
        var dare = MergeRecipe(method: .dareTies, parameters: MergeRecipe.Parameters(method: .dareTies, ingredientCount: 2))
        XCTAssertEqual(dare.firstPasses, 0)
        var rescaled = dare.parameters
        rescaled.rescale = .l1Norm
        dare.tensorParameters["w"] = rescaled
        XCTAssertEqual(dare.firstPasses, 1)
        let ties = MergeRecipe(method: .ties, parameters: MergeRecipe.Parameters(method: .ties, ingredientCount: 2))
        XCTAssertEqual(ties.firstPasses, 1)
        XCTAssertEqual(MergeRecipe(method: .linear, parameters: MergeRecipe.Parameters(method: .linear, ingredientCount: 2)).firstPasses, 0)
    }
}

/// Writes each value's tensor-wide index: what a random mask keyed by element index relies on.
private struct ElementIndexKernel: MergeKernel {
    let inputTypes: [DType] = [.f32]
    let outputType: DType = .f32
    let scratchValues = 1

    func merge(
        ingredients: [UnsafeRawBufferPointer], base: UnsafeRawBufferPointer?, firstValue: Int,
        scratch: UnsafeMutableBufferPointer<Double>, output: UnsafeMutableRawBufferPointer
    ) -> NonFiniteCount {
        for index in 0..<(output.count / 4) {
            output.storeBytes(of: Float(firstValue + index), toByteOffset: index * 4, as: Float.self)
        }
        return NonFiniteCount(ingredientCount: 1)
    }
}
