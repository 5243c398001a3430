@testable import Soup
import XCTest

final class DropoutMaskTests: XCTestCase {
    func testKeptFractionIsWithinFiveSigmaOfTheDensity() {
        let count = 1_000_000
        for density in [0.1, 0.5, 0.9] {
            let mask = DropoutMask(seed: 0, ingredient: 0, tensorName: "model.layers.0.mlp.up_proj.weight", density: density)
            let kept = (0..<count).reduce(0) { $0 + (mask.keeps($1) ? 1 : 0) }
            let sigma = (Double(count) * density * (1 - density)).squareRoot()
            XCTAssertLessThan(abs(Double(kept) - Double(count) * density), 5 * sigma, "density \(density)")
        }
    }

    func testEachIngredientTensorAndSeedHasItsOwnMask() {
        func pattern(seed: UInt64, ingredient: Int, name: String) -> [Bool] {
            let mask = DropoutMask(seed: seed, ingredient: ingredient, tensorName: name, density: 0.5)
            return (0..<256).map(mask.keeps)
        }
        let reference = pattern(seed: 0, ingredient: 0, name: "w")
        XCTAssertNotEqual(pattern(seed: 0, ingredient: 1, name: "w"), reference)
        XCTAssertNotEqual(pattern(seed: 0, ingredient: 0, name: "v"), reference)
        XCTAssertNotEqual(pattern(seed: 1, ingredient: 0, name: "w"), reference)
        XCTAssertEqual(pattern(seed: 0, ingredient: 0, name: "w"), reference)
    }

    /// Starts and lengths at several offsets from a group of 16 (four outputs of the stream).
    func testFillMatchesElementByElementDecisionsFromAnyStart() {
        let mask = DropoutMask(seed: 7, ingredient: 2, tensorName: "w", density: 0.3)
        for (start, count) in [(12_336, 100), (12_345, 101), (12_346, 102), (12_351, 103), (5, 2), (7, 1), (8, 40), (9, 0), (0, 16), (3, 29)] {
            var factors = [Double](repeating: -1, count: count)
            factors.withUnsafeMutableBufferPointer { mask.fill($0, from: start) }
            XCTAssertEqual(factors, (start..<(start + count)).map { mask.keeps($0) ? 1 : 0 }, "start \(start), count \(count)")
        }
    }

    /// The generator's definition, pinned (Docs/merging.md and the interop test's reimplementation
    /// depend on it): FNV-1a of "w" and the first draws of seed 0, ingredient 0.
    func testDrawsFollowTheDocumentedDefinition() {
        let mask = DropoutMask(seed: 0, ingredient: 0, tensorName: "w", density: 0.5)
        func mix(_ value: UInt64) -> UInt64 {
            var z = value
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
        let fnvW = (0xCBF2_9CE4_8422_2325 ^ UInt64(UInt8(ascii: "w"))) &* 0x0000_0100_0000_01B3
        let key = mix(mix(mix(0 &+ gamma) ^ (0 &+ gamma)) ^ fnvW)
        XCTAssertEqual(mask.key, key)
        for index in 0..<1000 {
            let word = mix(key &+ UInt64(index / 16 * 4 + index % 4 + 1) &* gamma)
            let lane = word >> UInt64(48 - 16 * (index / 4 % 4)) & 0xFFFF
            XCTAssertEqual(mask.keeps(index), Double(lane) * 0x1p-16 < 0.5, "element \(index)")
        }
        // As the interop test's numpy reimplementation draws them.
        XCTAssertEqual((0..<10).map(mask.keeps), [true, false, false, false, true, true, false, true, false, false])
    }
}
