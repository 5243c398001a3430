import XCTest
import TureenCore
@testable import PyTorch

final class StateDictPickleTests: XCTestCase {
    func testWrittenPickleReadsBackWithNamesDTypesShapesAndContiguousStrides() throws {
        let infos = [
            try TensorInfo(name: "w", dtype: .f32, shape: [3, 70_000]),
            try TensorInfo(name: "scale", dtype: .f8E4M3, shape: [4]),
            try TensorInfo(name: "ids", dtype: .u16, shape: []),
            try TensorInfo(name: "empty", dtype: .bf16, shape: [0, 2]),
        ]
        let pickle = StateDictPickle(infos)
        let machine = PickleMachine(path: "out.pt")
        defer { machine.tearDown() }
        let root = try pickle.bytes.withUnsafeBytes { try machine.run($0, from: 0).value }
        let tree = try CheckpointTree(root: root, select: nil, stripPrefix: nil, path: "out.pt")
        XCTAssertEqual(tree.tensors.map(\.name), ["w", "scale", "ids", "empty"])
        XCTAssertEqual(tree.tensors.map(\.record.dtype), [.f32, .f8E4M3, .u16, .bf16])
        XCTAssertEqual(tree.tensors.map(\.record.shape), [[3, 70_000], [4], [], [0, 2]])
        XCTAssertEqual(tree.tensors[0].record.strides, [70_000, 1])
        XCTAssertEqual(tree.tensors.map(\.record.storage.key), ["0", "1", "2", "3"])
        XCTAssertTrue(tree.tensors[1].record.storage.isUntyped)
        XCTAssertEqual(tree.tensors[1].record.storage.elementCount, 4)
        XCTAssertTrue(tree.nonTensorValues.isEmpty)
    }

    func testWrittenPickleUsesOnlyProtocolTwoOpcodesTorchAllows() {
        let bytes = StateDictPickle([try! TensorInfo(name: "w", dtype: .f16, shape: [2])]).bytes
        XCTAssertEqual(Array(bytes.prefix(2)), [0x80, 0x02])
        for forbidden: UInt8 in [0x93, 0x95, 0x94, 0x8C] { XCTAssertFalse(bytes.contains(forbidden), "opcode \(forbidden)") }
    }
}
