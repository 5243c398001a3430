import Soup
import XCTest

final class SoupRecipeTests: XCTestCase {
    func testUniformSoupDividesAnExactSumOnce() throws {
        let recipe = try SoupRecipe.uniform(count: 3)
        XCTAssertEqual(recipe.weights, [1, 1, 1])
        XCTAssertEqual(recipe.divisor, 3)
    }

    func testWeightedSoupNormalisesUnlessAskedNotTo() throws {
        XCTAssertEqual(try SoupRecipe.weighted([2, 6]).divisor, 8)
        XCTAssertEqual(try SoupRecipe.weighted([2, 6], normalize: false).divisor, 1)
    }

    func testRejectsNonFiniteWeightsAndZeroSumsOutsideBaseRelativeSoups() {
        XCTAssertThrowsError(try SoupRecipe.weighted([1, .nan]))
        XCTAssertThrowsError(try SoupRecipe.weighted([1, -1]))
        XCTAssertThrowsError(try SoupRecipe.weighted([1, -1], normalize: false))
        XCTAssertThrowsError(try SoupRecipe.uniform(count: 1, baseRelative: .init(scale: .infinity)))
        XCTAssertNoThrow(try SoupRecipe.weighted([1, -1], normalize: false, baseRelative: .init(scale: 0.5)))
    }

    func testNormalisesSubnormalAndOverflowingWeightSumsWithoutInfinity() throws {
        let tiny = try SoupRecipe.weighted([Double.leastNonzeroMagnitude * 2024, 0, 0])  // 1e-320
        XCTAssertTrue((1 / tiny.divisor).isFinite, "divisor \(tiny.divisor)")
        XCTAssertEqual(tiny.weights[0] / tiny.divisor, 1)
        let huge = try SoupRecipe.weighted([1e308, 1e308])
        XCTAssertTrue(huge.divisor.isFinite)
        XCTAssertEqual(huge.weights[0] / huge.divisor, 0.5)
        XCTAssertEqual(try SoupRecipe.weighted([2, 6]).weights, [2, 6], "ordinary weights are kept as given")
    }

    func testWeightErrorsSayWhichConditionFailed() {
        func problem(_ make: () throws -> SoupRecipe) -> SoupError.WeightProblem? {
            do {
                _ = try make()
                return nil
            } catch let SoupError.invalidWeights(problem) {
                return problem
            } catch {
                return nil
            }
        }
        XCTAssertEqual(problem { try .weighted([1, .infinity]) }, .nonFiniteWeight(position: 2, value: .infinity))
        XCTAssertEqual(problem { try .weighted([1, -1]) }, .weightsSumToZero(normalizing: true, baseRelative: false))
        XCTAssertEqual(problem { try .weighted([1, -1], baseRelative: .init(scale: 1)) }, .weightsSumToZero(normalizing: true, baseRelative: true))
        XCTAssertEqual(problem { try .weighted([1, -1], normalize: false) }, .weightsSumToZero(normalizing: false, baseRelative: false))
        // Regression: weights that cancel but for rounding (5.6e-17) were divided by.
        XCTAssertEqual(problem { try .weighted([0.1, 0.2, -0.3]) }, .weightsSumToZero(normalizing: true, baseRelative: false))
        XCTAssertEqual(try SoupRecipe.weighted([1e-9, 1e-9]).divisor, 2e-9, "small weights that do not cancel")
        XCTAssertEqual(problem { try SoupRecipe(weights: [1], divisor: 0) }, .unusableDivisor(0))
        XCTAssertEqual(problem { try .uniform(count: 1, baseRelative: .init(scale: .infinity)) }, .nonFiniteScale(.infinity))
    }
}
