@testable import Soup
import TureenCore
import XCTest

final class StatisticsPassTests: XCTestCase {
    /// A partial that is a class instance: a thread sharing another's would race on its count.
    private final class Tally {
        var values = 0
    }

    private struct TallyKernel: StatisticsKernel {
        var scratchValues: Int { 1 }
        func makePartial() -> Tally { Tally() }
        func accumulate(_ inputs: [UnsafeRawBufferPointer], firstValue: Int, scratch: UnsafeMutableBufferPointer<Double>, into partial: inout Tally) {
            partial.values += inputs[0].count / 4
        }
    }

    /// Regression: the pass copied one `makePartial()` value to every thread, so threads whose
    /// partials held class instances (TIES's histograms) shared them and raced.
    func testEachThreadFoldsIntoAPartialOfItsOwn() throws {
        let count = 300_000
        let entry = try sparseMergeEntry(ingredients: [Array(repeating: 1, count: count)], base: Array(repeating: 0, count: count))
        let partials = try statisticsPasses(threads: 2, chunk: 100_000).run(TallyKernel(), over: [entry.inputs[0]])
        XCTAssertEqual(partials.count, 2)
        XCTAssertFalse(partials[0] === partials[1], "the threads shared one partial")
        XCTAssertEqual(partials.map(\.values).reduce(0, +), count)
    }
}
