@testable import HuggingFace
import TureenCore
import XCTest

final class ConfigDTypeTests: XCTestCase {
    func testRewritingChangesOnlyTheDTypeValuesAndKeepsEveryOtherByte() throws {
        let text = "{\n  \"torch_dtype\": \"float32\",\n  \"z_first\": 1,\n  \"text_config\": {\"dtype\":\"float32\", \"n\": 2}\n}\n"
        let rewritten = try XCTUnwrap(ConfigDType.rewriting(Array(text.utf8), to: "bfloat16"))
        XCTAssertEqual(
            String(decoding: rewritten.bytes, as: UTF8.self),
            "{\n  \"torch_dtype\": \"bfloat16\",\n  \"z_first\": 1,\n  \"text_config\": {\"dtype\":\"bfloat16\", \"n\": 2}\n}\n")
        XCTAssertEqual(rewritten.replaced, ["float32", "float32"])
    }

    func testRewritingLeavesAutoAndOtherKeysAndSameDTypeAlone() {
        XCTAssertNil(ConfigDType.rewriting(Array(#"{"torch_dtype": "auto", "compute_dtype": "float32"}"#.utf8), to: "float16"))
        XCTAssertNil(ConfigDType.rewriting(Array(#"{"dtype": "float16"}"#.utf8), to: "float16"))
    }

    func testModelDTypeIsTheFloatingPointDTypeHoldingMostValues() throws {
        let tensors = [
            try TensorInfo(name: "embed", dtype: .bf16, shape: [100, 8]),
            try TensorInfo(name: "norm", dtype: .f32, shape: [8]),
            try TensorInfo(name: "ids", dtype: .i64, shape: [10_000]),
        ]
        XCTAssertEqual(ConfigDType.modelDType(of: tensors), .bf16)
        XCTAssertNil(ConfigDType.modelDType(of: [tensors[2]]))
    }
}
