@testable import HuggingFace
import TureenTestSupport
import XCTest

final class ModelConfigTests: XCTestCase {
    private func config(_ text: String) throws -> ModelConfig {
        let folder = try makeScratchFolder()
        return try ModelConfig(path: folder.file("config.json", contents: Array(text.utf8)))
    }

    func testConfigsDifferingOnlyInNamesVersionsAndDTypesAgree() throws {
        let first = try config(#"{"_name_or_path": "a", "transformers_version": "4.44.0", "torch_dtype": "float32", "n_embd": 16}"#)
        let second = try config(#"{"n_embd": 16, "_name_or_path": "b", "dtype": "bfloat16", "_commit_hash": "abc", "transformers_version": "5.0.0"}"#)
        XCTAssertEqual(first.differences(from: second), [])
    }

    func testDifferencesNameEveryDifferingKeyWithItsDottedPath() throws {
        let first = try config(#"{"activation": "gelu", "n_layer": 2, "text_config": {"vocab_size": 60, "dtype": "float32"}, "only_here": true}"#)
        let second = try config(#"{"activation": "relu", "n_layer": 2, "text_config": {"vocab_size": 61, "dtype": "float16"}, "only_there": null}"#)
        XCTAssertEqual(first.differences(from: second), ["activation", "text_config.vocab_size", "only_here", "only_there"])
    }

    func testNumbersAgreeByValueNotSpelling() throws {
        let first = try config(#"{"layer_norm_epsilon": 1e-05, "ratios": [0.5, 1]}"#)
        let second = try config(#"{"layer_norm_epsilon": 0.00001, "ratios": [0.50, 1.0]}"#)
        XCTAssertEqual(first.differences(from: second), [])
        XCTAssertEqual(first.differences(from: try config(#"{"layer_norm_epsilon": 1e-06, "ratios": [0.5, 1]}"#)), ["layer_norm_epsilon"])
    }

    func testConfigThatIsNoObjectIsRefusedNamingTheFile() throws {
        XCTAssertThrowsError(try config("[1, 2]")) { error in
            guard case let HuggingFaceError.badConfig(path, detail) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("config.json"))
            XCTAssertTrue(detail.contains("an array"), detail)
        }
        XCTAssertThrowsError(try config(#"{"a": 1,}"#))
    }
}
