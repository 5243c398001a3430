import Foundation
@testable import Soup
import TureenCore
import TureenTestSupport
import XCTest

/// The learned soup's arithmetic: the gradient pass, the softmax and Adam.
final class GradientPassTests: XCTestCase {
    private func f64(_ values: [Double]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
    }

    func testDerivativesAreInnerProductsWithDifferencesFromTheSoup() throws {
        let count = 140_001
        let values: [[Float]] = (0..<3).map { seed in (0..<count).map { Float(sin(Double($0 &* (seed + 3)))) } }
        let gradient = (0..<count).map { cos(Double($0) * 0.37) }
        let stores = try values.enumerated().map { try StoreBuilder.store("i\($0.offset)", [("w", .f32, [count], TensorBytes.f32($0.element))]) }
        let gradientStore = try StoreBuilder.store("grad", [("w", .f64, [count], f64(gradient))])
        var options = SoupOptions()
        options.chunkElementCount = 50_000
        let plan = try SoupPlan.make(ingredients: stores, base: nil, recipe: try .uniform(count: 3), options: options)
        let weights = [0.5, 0.3, 0.2]
        let rows = try GradientPass(plan: plan, options: options).derivatives(gradient: gradientStore) { _ in weights }
        let soup = (0..<count).map { index in (0..<3).reduce(0.0) { $0 + weights[$1] * Double(values[$1][index]) } }
        for ingredient in 0..<3 {
            let expected = (0..<count).reduce(0.0) { $0 + gradient[$1] * (Double(values[ingredient][$1]) - soup[$1]) }
            XCTAssertEqual(rows[0][ingredient], expected, accuracy: 1e-9 * Double(count))
        }
        XCTAssertEqual(zip(weights, rows[0]).reduce(0) { $0 + $1.0 * $1.1 }, 0, accuracy: 1e-8, "Σ wᵢ dᵢ = ⟨g, θ − θ⟩ = 0")
    }

    func testIntegerTensorsNeedNoGradientAndGetNoRow() throws {
        let a = try StoreBuilder.store("a", [("w", .f32, [2], TensorBytes.f32([1, 2])), ("ids", .i64, [1], TensorBytes.i64([0]))])
        let b = try StoreBuilder.store("b", [("w", .f32, [2], TensorBytes.f32([3, 2])), ("ids", .i64, [1], TensorBytes.i64([0]))])
        let gradient = try StoreBuilder.store("grad", [("w", .f32, [2], TensorBytes.f32([1, 1]))])
        let plan = try SoupPlan.make(ingredients: [a, b], base: nil, recipe: try .uniform(count: 2), options: SoupOptions())
        let rows = try GradientPass(plan: plan, options: SoupOptions()).derivatives(gradient: gradient) { _ in [1, 1] }
        XCTAssertEqual(rows[0], [-1, 1], "soup (2, 2): ⟨(1,1), (1,2)−(2,2)⟩ = −1, ⟨(1,1), (3,2)−(2,2)⟩ = 1")
        XCTAssertEqual(rows[1], [])
    }

    func testAGradientWithWrongNamesOrShapesIsRefusedNamingEveryProblem() throws {
        let a = try StoreBuilder.store("a", [("w", .f32, [2], TensorBytes.f32([1, 2])), ("b", .f32, [1], TensorBytes.f32([1])), ("v", .f32, [1], TensorBytes.f32([1]))])
        let plan = try SoupPlan.make(ingredients: [a, a], base: nil, recipe: try .uniform(count: 2), options: SoupOptions())
        let gradient = try StoreBuilder.store("grad.safetensors", [
            ("w", .f32, [3], TensorBytes.f32([1, 1, 1])), ("v", .i64, [1], TensorBytes.i64([1])), ("extra", .f32, [1], TensorBytes.f32([1])),
        ])
        XCTAssertThrowsError(try GradientPass(plan: plan, options: SoupOptions()).derivatives(gradient: gradient) { _ in [1, 1] }) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("grad.safetensors: "), text)
            XCTAssertTrue(text.contains("'w' has shape [3] where the soup's is [2]"), text)
            XCTAssertTrue(text.contains("'b' [1] is missing"), text)
            XCTAssertTrue(text.contains("'v' is I64"), text)
            XCTAssertTrue(text.contains("'extra' is not a tensor of the soup"), text)
        }
    }

    func testANonFiniteGradientIsRefused() throws {
        let a = try StoreBuilder.store("a", [("w", .f32, [2], TensorBytes.f32([1, 2]))])
        let b = try StoreBuilder.store("b", [("w", .f32, [2], TensorBytes.f32([2, 2]))])
        let plan = try SoupPlan.make(ingredients: [a, b], base: nil, recipe: try .uniform(count: 2), options: SoupOptions())
        let gradient = try StoreBuilder.store("grad", [("w", .f32, [2], TensorBytes.f32([.nan, 1]))])
        XCTAssertThrowsError(try GradientPass(plan: plan, options: SoupOptions()).derivatives(gradient: gradient) { _ in [1, 1] }) {
            XCTAssertEqual($0 as? GradientError, .nonFinite(path: "grad", tensor: "w"))
        }
    }

    func testAFiniteGradientWhoseDerivativeOverflowsIsNotSaidToHoldNaN() throws {
        // Regression: a finite f64 gradient of 1e308 was refused as one that "holds NaN or Inf".
        let a = try StoreBuilder.store("a", [("w", .f64, [2], f64([4, 4]))])
        let b = try StoreBuilder.store("b", [("w", .f64, [2], f64([-4, -4]))])
        let plan = try SoupPlan.make(ingredients: [a, b], base: nil, recipe: try .uniform(count: 2), options: SoupOptions())
        let gradient = try StoreBuilder.store("grad", [("w", .f64, [2], f64([1e308, 1e308]))])
        XCTAssertThrowsError(try GradientPass(plan: plan, options: SoupOptions()).derivatives(gradient: gradient) { _ in [1, 1] }) {
            XCTAssertEqual($0 as? GradientError, .derivativeOverflows(path: "grad", tensor: "w"))
            XCTAssertTrue("\($0)".contains("overflow"), "\($0)")
        }
    }

    func testSoftmaxOfEqualLogitsIsUniformWithEntropyLogN() {
        let mixing = SoftmaxMixing(groups: 2, ingredients: 4, learningRate: 0.05)
        XCTAssertEqual(mixing.weights, [[0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25]])
        XCTAssertEqual(mixing.meanEntropy, log(4), accuracy: 1e-15)
        XCTAssertEqual(SoftmaxMixing.softmax([1000, 0]), [1, exp(-1000)], "large logits do not overflow")
    }

    func testAdamFollowsTheGradientThroughTheSoftmax() {
        // Loss ½(w₀ − 0.8)² over the softmax of two logits: dᵢ = ∂loss/∂wᵢ·(1 for i = 0), and the
        // mixing must move w₀ to 0.8.
        var mixing = SoftmaxMixing(groups: 1, ingredients: 2, learningRate: 0.05)
        for _ in 0..<400 {
            let w = mixing.weights[0]
            // θ = w₀·1 + w₁·0, ∂loss/∂θ = θ − 0.8; dᵢ = ⟨g, θᵢ − θ⟩ with θ₀ = 1, θ₁ = 0.
            let g = w[0] - 0.8
            mixing.step(derivatives: [[g * (1 - w[0]), g * (0 - w[0])]])
        }
        XCTAssertEqual(mixing.weights[0][0], 0.8, accuracy: 1e-3)
    }
}
