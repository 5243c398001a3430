import XCTest
@testable import Compare

final class NameNormalizationTests: XCTestCase {
    func testKerasPathsBecomeShortDottedNames() {
        XCTAssertEqual(NameNormalization.normalize("layers/dense/vars/0").name, "dense.0")
        XCTAssertEqual(NameNormalization.normalize("layers.dense.vars.1").name, "dense.1")
        XCTAssertEqual(NameNormalization.normalize("layers/functional/layers/dense/vars/1").rules, [.slashPath, .kerasPath])
        XCTAssertEqual(NameNormalization.normalize("layers/functional/layers/dense/vars/1").name, "functional.dense.1")
    }

    func testSlashPathsWithoutKerasShapeOnlyChangeSeparators() {
        XCTAssertEqual(NameNormalization.normalize("/dense/kernel").name, "dense.kernel")
        XCTAssertEqual(NameNormalization.normalize("/dense/kernel").rules, [.slashPath])
    }

    func testDataParallelAndModelPrefixesAreRemoved() {
        XCTAssertEqual(NameNormalization.normalize("module.module.fc.weight").name, "fc.weight")
        XCTAssertEqual(NameNormalization.normalize("module.model.layers.0.w").rules, [.dataParallelPrefix, .modelPrefix])
        XCTAssertEqual(NameNormalization.normalize("model.layers.0.w").name, "layers.0.w")
    }

    func testOrdinaryNamesAreLeftAlone() {
        let result = NameNormalization.normalize("lm_head.weight")
        XCTAssertEqual(result.name, "lm_head.weight")
        XCTAssertEqual(result.rules, [])
        XCTAssertEqual(NameNormalization.normalize("model.").name, "model.")
        XCTAssertEqual(NameNormalization.normalize("my_model.layers.vars.0").rules, [])
    }
}
