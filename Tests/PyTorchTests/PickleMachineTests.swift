import XCTest
import TureenCore
import TureenTestSupport
@testable import PyTorch

final class PickleMachineTests: XCTestCase {
    private func run(_ bytes: [UInt8]) throws -> PickleValue {
        let machine = PickleMachine(path: "test.pt")
        defer { machine.tearDown() }
        return try bytes.withUnsafeBytes { try machine.run($0, from: 0).value }
    }

    private func assertRefused(_ bytes: [UInt8], mentions text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try run(bytes), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(text), "\(error)", file: file, line: line)
        }
    }

    func testRefusesOsSystemNamingTheGlobal() {
        assertRefused([0x80, 0x02] + Array("cos\nsystem\n".utf8) + [0x2E], mentions: "'os.system'")
    }

    func testRefusesStackGlobalAndFrames() {
        assertRefused([0x80, 0x04, 0x95, 0, 0, 0, 0, 0, 0, 0, 0, 0x7D, 0x2E], mentions: "opcode 0x95")
    }

    func testRefusesHundredThousandNestedListsWithoutCrashing() {
        let bytes: [UInt8] = [0x80, 0x02] + [UInt8](repeating: 0x5D, count: 100_000) + [UInt8](repeating: 0x61, count: 99_999) + [0x2E]
        assertRefused(bytes, mentions: "nest more than")
    }

    func testMemoBombIsStoppedWhenFlattening() throws {
        var bytes: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0]
        for level in 0..<60 { bytes += [0x68, UInt8(level), 0x86, 0x71, UInt8(level + 1)] }
        bytes.append(0x2E)
        let machine = PickleMachine(path: "bomb.pt")
        defer { machine.tearDown() }
        let root = try bytes.withUnsafeBytes { try machine.run($0, from: 0).value }
        var limits = PickleLimits.standard
        limits.maximumVisits = 100_000  // the standard million takes seconds in a debug build
        XCTAssertThrowsError(try CheckpointTree(root: root, select: nil, stripPrefix: nil, limits: limits, path: "bomb.pt")) { error in
            XCTAssertTrue("\(error)".contains("memo bomb"), "\(error)")
        }
    }

    func testViewsAreGatheredByTheirStrides() throws {
        let store = try PyTorchReader().open(Fixtures.path("pytorch/views.pt"), options: ReadOptions())
        let column = try XCTUnwrap(store.tensor(named: "column"))
        XCTAssertEqual(column.info.shape, [5])
        let values = try column.source.withBytes(in: 0..<20) { Array($0.bindMemory(to: Float.self)) }
        XCTAssertEqual(values, [2, 8, 14, 20, 26])
        let stepped = try XCTUnwrap(store.tensor(named: "stepped"))
        let steppedValues = try stepped.source.withBytes(in: 0..<24) { Array($0.bindMemory(to: Float.self)) }
        XCTAssertEqual(steppedValues, [0, 3, 12, 15, 24, 27])
        XCTAssertEqual(store.metadata, ["same": "base"])
    }
}
