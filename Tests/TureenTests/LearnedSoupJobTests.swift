import Foundation
import Soup
import TureenCore
import Tureen
import TureenTestSupport
import XCTest

/// The learned soup on a quadratic loss ½‖θ − t‖², whose best weights over the simplex have a
/// closed form: with ingredients θᵢ = eᵢ (unit vectors), they are the Euclidean projection of t
/// onto the simplex.
final class LearnedSoupJobTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = try makeScratchFolder().path
    }

    /// Three ingredients whose tensors `a` and `b` are the unit vectors e₀, e₁, e₂ (plus a shared
    /// tail the weights cannot change), and an integer tensor.
    private func ingredients(dtype: DType = .f64) throws -> [String] {
        try (0..<3).map { index in
            let path = folder + "/ingredient\(index).safetensors"
            let vector = (0..<5).map { $0 == index ? 1.0 : ($0 >= 3 ? 0.25 : 0) }
            let bytes = dtype == .f64 ? TensorBytes.encode(vector, as: .f64) : TensorBytes.f32(vector.map(Float.init))
            try Checkpoints.write(path, [("a", dtype, [5], bytes), ("b", dtype, [5], bytes), ("step", .i64, [1], TensorBytes.i64([7]))])
            return path
        }
    }

    /// The Euclidean projection of `point` onto the probability simplex.
    private func projectOntoSimplex(_ point: [Double]) -> [Double] {
        let sorted = point.sorted(by: >)
        var total = 0.0
        var threshold = 0.0
        for (index, value) in sorted.enumerated() {
            total += value
            let candidate = (total - 1) / Double(index + 1)
            if value - candidate > 0 { threshold = candidate }
        }
        return point.map { max($0 - threshold, 0) }
    }

    private func target(_ weights: [Double]) -> [Double] {
        weights + [0.25, 0.25]
    }

    private func assertWeights(_ actual: [Double], _ expected: [Double], file: StaticString = #filePath, line: UInt = #line) {
        for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: 0.01, "\(actual) vs \(expected)", file: file, line: line) }
    }

    func testLearnedWeightsReachAnOptimumInsideTheSimplex() throws {
        let inside = [0.5, 0.3, 0.2]
        XCTAssertEqual(projectOntoSimplex(inside), inside)
        var job = LearnedSoupJob(ingredients: try ingredients(), output: folder + "/soup.safetensors",
                                 evaluator: QuadraticLoss(targets: ["a": target(inside), "b": target(inside)]))
        job.granularity = .model
        job.steps = 300
        let report = try job.run()
        assertWeights(report.weights.weights, inside)
        XCTAssertLessThan(report.steps.last!.loss, report.steps.first!.loss / 100)
        XCTAssertEqual(report.steps.first!.entropy, log(3), accuracy: 1e-12)
        XCTAssertNil(report.weights.tensors)
    }

    func testPerTensorWeightsReachEachTensorsOptimumInsideAndOutsideTheSimplex() throws {
        let inside = [0.5, 0.3, 0.2]
        let outside = [0.7, 0.6, -0.3]
        let expectedOutside = projectOntoSimplex(outside)
        XCTAssertEqual(expectedOutside[0], 0.55, accuracy: 1e-12)
        XCTAssertEqual(expectedOutside[1], 0.45, accuracy: 1e-12)
        XCTAssertEqual(expectedOutside[2], 0)
        var job = LearnedSoupJob(ingredients: try ingredients(), output: folder + "/soup.safetensors",
                                 evaluator: QuadraticLoss(targets: ["a": target(inside), "b": target(outside)]))
        job.steps = 400
        let report = try job.run()
        XCTAssertEqual(report.weights.by, .tensor)
        assertWeights(report.weights.tensors!["a"]!, inside)
        assertWeights(report.weights.tensors!["b"]!, expectedOutside)
        let soup = try Checkpoints.values(folder + "/soup.safetensors")
        for (name, weights) in report.weights.tensors! {
            let expected = (0..<5).map { index in index < 3 ? weights[index] / weights.reduce(0, +) : 0.25 }
            for (a, e) in zip(soup[name]!, expected) { XCTAssertEqual(a, e, accuracy: 1e-12, name) }
        }
    }

    func testTheWeightsFileReproducesTheSoupBitForBit() throws {
        let paths = try ingredients(dtype: .f32)
        var job = LearnedSoupJob(ingredients: paths, output: folder + "/soup.safetensors",
                                 evaluator: QuadraticLoss(targets: ["a": target([0.6, 0.3, 0.1]), "b": target([0.2, 0.2, 0.6])]))
        job.steps = 5
        job.weightsOutput = folder + "/weights.json"
        _ = try job.run()
        let weights = try LearnedWeights.load(from: folder + "/weights.json")
        let recipes = try weights.recipes()
        var soup = SoupJob(ingredients: paths, recipe: recipes.default, output: folder + "/again.safetensors")
        soup.tensorRecipes = recipes.tensors
        _ = try soup.run()
        XCTAssertEqual(FileManager.default.contents(atPath: folder + "/again.safetensors"), FileManager.default.contents(atPath: folder + "/soup.safetensors"))
        XCTAssertEqual(Set(weights.tensors!.keys), ["a", "b"], "integer tensors are not mixed")
    }

    func testAGradientOfAnotherShapeStopsTheSoupAndLeavesNothing() throws {
        var job = LearnedSoupJob(ingredients: try ingredients(), output: folder + "/soup.safetensors",
                                 evaluator: QuadraticLoss(targets: ["a": target([0.5, 0.3, 0.2]), "b": target([0.5, 0.3, 0.2])], misshapen: "b"))
        job.weightsOutput = folder + "/weights.json"
        XCTAssertThrowsError(try job.run()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("step 1: the gradient written to "), text)
            XCTAssertTrue(text.contains("'b' has shape [6] where the soup's is [5]"), text)
        }
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder)), ["ingredient0.safetensors", "ingredient1.safetensors", "ingredient2.safetensors"])
    }

    func testAGradientThatLacksATensorIsRefused() throws {
        let job = LearnedSoupJob(ingredients: try ingredients(), output: folder + "/soup.safetensors",
                                 evaluator: QuadraticLoss(targets: ["a": target([0.5, 0.3, 0.2])]))
        XCTAssertThrowsError(try job.run()) { XCTAssertTrue("\($0)".contains("'b' [5] is missing"), "\($0)") }
    }

    func testAFailingEvaluatorNamesTheStep() throws {
        struct Failing: GradientEvaluator {
            func lossAndGradient(checkpointAt path: String, gradientPath: String) throws -> Double { throw CocoaError(.fileNoSuchFile) }
        }
        XCTAssertThrowsError(try LearnedSoupJob(ingredients: try ingredients(), output: folder + "/soup.safetensors", evaluator: Failing()).run()) { error in
            XCTAssertTrue("\(error)".hasPrefix("step 1: evaluating "), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/soup.safetensors.scratch"))
    }
}
