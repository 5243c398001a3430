import TureenCore
import TureenTestSupport
import Tureen
import XCTest
@testable import Compare

final class ArchitectureComparisonTests: XCTestCase {
    private func layers(_ count: Int, upRows: Int, dropNorm: Bool = false, prefix: String = "") -> [(name: String, shape: [Int], values: [Double])] {
        typealias Tensor = (name: String, shape: [Int], values: [Double])
        var tensors: [Tensor] = []
        for layer in 0..<count {
            tensors.append((name: "\(prefix)model.layers.\(layer).mlp.up_proj.weight", shape: [upRows, 2], values: Array(repeating: 1.0, count: upRows * 2)))
            tensors.append((name: "\(prefix)model.layers.\(layer).mlp.down_proj.weight", shape: [2, 2], values: [1, 2, 3, 4]))
        }
        if !dropNorm { tensors.append((name: "\(prefix)model.norm.weight", shape: [2], values: [1, 1])) }
        return tensors
    }

    func testSameLayoutsAreCompatible() throws {
        let comparison = try ArchitectureComparison(stores: [StoreBuilder.store("a", layers(4, upRows: 3)), StoreBuilder.store("b", layers(4, upRows: 3))])
        XCTAssertTrue(comparison.isCompatible)
        XCTAssertEqual(comparison.differences, [])
        XCTAssertEqual(comparison.report(), "a, b: same architecture (9 tensors)")
    }

    func testShapeChangesInEveryLayerCollapseIntoOneLine() throws {
        let comparison = try ArchitectureComparison(stores: [StoreBuilder.store("a", layers(32, upRows: 3)), StoreBuilder.store("b", layers(32, upRows: 5))])
        XCTAssertFalse(comparison.isCompatible)
        XCTAssertEqual(comparison.groupedDifferences().map(\.line), ["model.layers.{0..31}.mlp.up_proj.weight: shape [3, 2] vs [5, 2]"])
    }

    func testMissingTensorAndChangedShapeAreBothNamed() throws {
        var changed = layers(2, upRows: 3, dropNorm: true)
        changed[2] = (name: "model.layers.1.mlp.up_proj.weight", shape: [4, 2], values: Array(repeating: 0, count: 8))
        let comparison = try ArchitectureComparison(stores: [StoreBuilder.store("a", layers(2, upRows: 3)), StoreBuilder.store("b", changed)])
        XCTAssertEqual(comparison.blockingDifferences, [
            .shape(name: "model.layers.1.mlp.up_proj.weight", shapes: [[3, 2], [4, 2]]),
            .missing(name: "model.norm.weight", missingFrom: [1]),
        ])
        XCTAssertEqual(comparison.groupedDifferences().map(\.line), [
            "model.norm.weight: missing from b", "model.layers.1.mlp.up_proj.weight: shape [3, 2] vs [4, 2]",
        ])
    }

    func testFloatDTypesAreStorageNotArchitectureUnlessExact() throws {
        let f32 = try StoreBuilder.store("a", [(name: "w", shape: [2], values: [1, 2])])
        let bf16 = try StoreBuilder.store("b", [(name: "w", shape: [2], values: [1, 2])], dtype: .bf16)
        let int = try StoreBuilder.store("c", [(name: "w", shape: [2], values: [1, 2])], dtype: .i32)
        let mixed = try ArchitectureComparison(stores: [f32, bf16])
        XCTAssertTrue(mixed.isCompatible)
        XCTAssertTrue(mixed.storedInDifferentPrecisions)
        XCTAssertEqual(mixed.report(), """
            a, b: same architecture, stored in different precisions (1 tensor)
            stored in different precisions (the same architecture):
              w: dtype F32 vs BF16
            """)
        XCTAssertFalse(try ArchitectureComparison(stores: [f32, bf16], dtypePolicy: .exact).isCompatible)
        XCTAssertFalse(try ArchitectureComparison(stores: [f32, int]).isCompatible)
        XCTAssertFalse(try ArchitectureComparison(stores: [f32, int]).storedInDifferentPrecisions)
    }

    func testReportListsNamesShapesAndDTypesUnderTheirOwnHeadings() throws {
        let a = try StoreBuilder.store("a", [(name: "w", shape: [2], values: [1, 2]), (name: "v", shape: [1], values: [1]),
                                             (name: "n", shape: [1], values: [1])])
        let b = try StoreBuilder.store("b", [(name: "w", shape: [3], values: [1, 2, 3]), (name: "v", shape: [1], values: [1])], dtype: .i32)
        XCTAssertEqual(try ArchitectureComparison(stores: [a, b]).report(), """
            a, b: different architectures (4 differences over 3 tensor names)
            differences in tensor names:
              n: missing from b
            differences in shapes:
              w: shape [2] vs [3]
            differences in dtypes:
              w, v: dtype F32 vs I32
            """)
    }

    func testMetadataDifferencesAreNotesOnly() throws {
        let a = try StoreBuilder.store("a", [(name: "w", shape: [1], values: [1])], metadata: ["format": "pt"])
        let b = try StoreBuilder.store("b", [(name: "w", shape: [1], values: [1])])
        let comparison = try ArchitectureComparison(stores: [a, b])
        XCTAssertTrue(comparison.isCompatible)
        XCTAssertEqual(comparison.notes, [.metadata(key: "format", values: ["pt", nil])])
        XCTAssertTrue(comparison.report().contains("notes (do not affect the architecture):\n  format: metadata value 'pt' vs (absent)"))
    }

    func testNormalizedNamesMatchDataParallelCheckpointsAndAreReported() throws {
        let plain = try StoreBuilder.store("plain", layers(2, upRows: 3))
        let wrapped = try StoreBuilder.store("wrapped", layers(2, upRows: 3, prefix: "module."))
        XCTAssertFalse(try ArchitectureComparison(stores: [plain, wrapped]).isCompatible)
        let normalized = try ArchitectureComparison(stores: [plain, wrapped], normalizingNames: true)
        XCTAssertTrue(normalized.isCompatible)
        XCTAssertEqual(normalized.inputs[1].renames.count, 5)
        XCTAssertTrue(normalized.report().contains("wrapped: 5 names, leading 'module.' removed, leading 'model.' removed: module.model.layers.{0,1}.mlp.up_proj.weight → layers.{0,1}.mlp.up_proj.weight"))
    }

    func testNormalizationRefusesToMergeTwoTensors() throws {
        let store = try StoreBuilder.store("clash", [(name: "model.w", shape: [1], values: [1]), (name: "w", shape: [1], values: [1])])
        XCTAssertThrowsError(try ComparedInput(store: store, normalizingNames: true)) { error in
            XCTAssertEqual(error as? CompareError, .normalizationCollision(path: "clash", first: "model.w", second: "w", normalized: "w"))
        }
    }

    func testFixtureFileAndShardedFolderShareAnArchitecture() throws {
        let stores = try ["model.safetensors", "model_sharded"].map { try FormatRegistry.standard.open(Fixtures.path("compare/" + $0)) }
        XCTAssertTrue(try ArchitectureComparison(stores: stores).isCompatible)
    }

    func testFixtureWithChangedShapeAndMissingTensorNamesBoth() throws {
        let stores = try ["model.safetensors", "changed.safetensors"].map { try FormatRegistry.standard.open(Fixtures.path("compare/" + $0)) }
        let comparison = try ArchitectureComparison(stores: stores)
        XCTAssertEqual(comparison.blockingDifferences.map(\.name).sorted(), ["model.layers.1.mlp.up_proj.weight", "model.norm.weight"])
    }
}
