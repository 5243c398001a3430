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
}
