import XCTest
@testable import HDF5

final class HyperslabPlanTests: XCTestCase {
    /// Walks the windows from the first element and checks they tile the array in C order.
    private func windows(_ plan: HyperslabPlan, elementCount: Int) -> [HyperslabPlan.Window] {
        var windows: [HyperslabPlan.Window] = []
        var next = 0
        while next < elementCount {
            let window = plan.window(containing: next)
            XCTAssertEqual(window.elements.lowerBound, next)
            XCTAssertEqual(window.count.reduce(1, *), window.elements.count)
            windows.append(window)
            next = window.elements.upperBound
        }
        return windows
    }

    func testSmallArrayIsOneWindow() {
        let plan = HyperslabPlan(shape: [4, 3], elementWidth: 4, byteBudget: 1024)
        XCTAssertEqual(windows(plan, elementCount: 12), [.init(elements: 0..<12, start: [0, 0], count: [4, 3])])
    }

    func testWindowsStayWithinTheBudgetAndTileTheArray() {
        let plan = HyperslabPlan(shape: [3, 5, 7], elementWidth: 2, byteBudget: 30)
        let all = windows(plan, elementCount: 105)
        XCTAssertTrue(all.allSatisfy { $0.elements.count * 2 <= 30 })
        XCTAssertEqual(all.first, .init(elements: 0..<14, start: [0, 0, 0], count: [1, 2, 7]))
        XCTAssertEqual(all.last?.elements.upperBound, 105)
    }

    func testRowLargerThanBudgetSplitsTheInnermostDimension() {
        let plan = HyperslabPlan(shape: [2, 10], elementWidth: 8, byteBudget: 24)
        XCTAssertEqual(plan.window(containing: 13), .init(elements: 13..<16, start: [1, 3], count: [1, 3]))
    }

    func testWindowsAlignToChunkRows() {
        let plan = HyperslabPlan(shape: [100, 10], elementWidth: 1, byteBudget: 75, chunkShape: [4, 10])
        XCTAssertEqual(plan.rowsPerWindow, 4)
    }

    func testScalarIsOneWindowWithoutHyperslab() {
        XCTAssertEqual(HyperslabPlan(shape: [], elementWidth: 4, byteBudget: 1).window(containing: 0), .init(elements: 0..<1, start: [], count: []))
    }
}
