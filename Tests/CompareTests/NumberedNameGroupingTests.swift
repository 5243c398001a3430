import XCTest
@testable import Compare

final class NumberedNameGroupingTests: XCTestCase {
    func testLayersDifferingOnlyInIndexCollapseToARange() {
        let names = (0..<32).map { "model.layers.\($0).mlp.up_proj.weight" }
        XCTAssertEqual(NumberedNameGrouping.patterns(names), ["model.layers.{0..31}.mlp.up_proj.weight"])
    }

    func testGapsAndPairsAreWrittenOut() {
        let names = [0, 1, 2, 3, 5, 7, 8].map { "h.\($0).attn" }
        XCTAssertEqual(NumberedNameGrouping.patterns(names), ["h.{0..3,5,7,8}.attn"])
    }

    func testNestedIndicesCoverExactlyTheNamesGiven() {
        var names: [String] = []
        for layer in 0..<4 {
            for expert in 0..<(layer == 2 ? 2 : 8) { names.append("layers.\(layer).experts.\(expert).w") }
        }
        XCTAssertEqual(NumberedNameGrouping.patterns(names), ["layers.{0,1,3}.experts.{0..7}.w", "layers.2.experts.{0,1}.w"])
    }

    func testSingleNamesAndLeadingZerosStayLiteral() {
        XCTAssertEqual(NumberedNameGrouping.patterns(["lm_head.weight", "block_07.w", "block_08.w"]),
                       ["lm_head.weight", "block_07.w", "block_08.w"])
    }

    func testNamesGroupOnlyWithinTheirKey() {
        let groups = NumberedNameGrouping.group([
            (name: "l.0.w", key: "a"), (name: "l.1.w", key: "b"), (name: "l.2.w", key: "a"),
        ])
        XCTAssertEqual(groups.map(\.pattern), ["l.{0,2}.w", "l.1.w"])
        XCTAssertEqual(groups.map(\.key), ["a", "b"])
        XCTAssertEqual(groups[0].names, ["l.0.w", "l.2.w"])
    }

    func testTensThousandsOfNamesGroupInLinearTime() {
        // Regression: each index merged into a pattern copied the pattern's lists (copy on write of
        // a value taken out of a dictionary), so `check` of 40,000 differing tensors took 45 s.
        let names = (0..<20_000).map { "model.layers.\($0).w" }
        let started = ContinuousClock.now
        let groups = NumberedNameGrouping.group(names.map { ($0, "shape") })
        XCTAssertEqual(groups.map(\.pattern), ["model.layers.{0..19999}.w"])
        XCTAssertEqual(groups.first?.names, names)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
    }
}
