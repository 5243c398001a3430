@testable import MergeConfig
import Soup
import XCTest

final class MergeConfigurationTests: XCTestCase {
    private let names = ["model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight", "model.layers.1.mlp.up_proj.weight",
                         "model.layers.2.mlp.up_proj.weight", "model.norm.weight"]

    private func configuration(_ yaml: String) throws -> MergeConfiguration {
        try MergeConfiguration(yaml: yaml, path: "merge.yml")
    }

    private func refusal(_ yaml: String) -> MergeConfigurationError? {
        do {
            _ = try configuration(yaml).recipe(tensorNames: names)
            return nil
        } catch {
            return error as? MergeConfigurationError
        }
    }

    func testGradientsAreInterpolatedOverTheLayersWithEveryOtherTensorAtTheStart() throws {
        let config = try configuration("""
            models:
              - model: a
                parameters: {weight: [0, 1, 3]}
            base_model: base
            merge_method: task_arithmetic
            """)
        let recipe = try config.recipe(tensorNames: names)
        XCTAssertEqual(names.map { recipe.parameters(forTensor: $0).weights }, [[0], [0], [1], [3], [0]])
        XCTAssertEqual(config.ingredients, ["a"])
        XCTAssertFalse(recipe.parameters(forTensor: names[0]).normalize)
    }

    func testTheFirstMatchingFilterWinsAndAnUnmatchedTensorFallsBackToTheGlobalValue() throws {
        let recipe = try configuration("""
            models:
              - model: a
                parameters:
                  weight:
                    - filter: mlp
                      value: 0.25
                    - filter: layers
                      value: 0.5
              - model: b
            base_model: base
            merge_method: task_arithmetic
            parameters:
              weight: 2
              lambda: 0.5
              normalize: true
            """).recipe(tensorNames: names)
        XCTAssertEqual(names.map { recipe.parameters(forTensor: $0).weights }, [[2, 2], [0.5, 2], [0.25, 2], [0.25, 2], [2, 2]])
        XCTAssertEqual(recipe.parameters(forTensor: names[1]).scale, 0.5)
        XCTAssertTrue(recipe.parameters(forTensor: names[1]).normalize)
    }

    func testLinearNormalizesByDefaultAndKeepsABaseListedAmongItsModels() throws {
        let config = try configuration("""
            models:
              - model: a
                parameters: {weight: 1}
              - model: base
                parameters: {weight: 3}
            base_model: base
            merge_method: linear
            dtype: torch.bfloat16
            """)
        XCTAssertEqual(config.ingredients, ["a", "base"])
        XCTAssertEqual(config.outputDType, .bf16)
        XCTAssertTrue(try config.recipe(tensorNames: names).parameters(forTensor: names[0]).normalize)
    }

    func testEverySupportedKeyIsRead() throws {
        let config = try configuration("""
            models:
              - model: a
                parameters: {weight: 0.5, density: 0.7}
              - model: b
                parameters: {weight: 0.25}
            base_model: base
            merge_method: ties
            dtype: float32
            out_dtype: float16
            parameters: {normalize: false, lambda: 0.5, rescale: true, density: 0.9}
            """)
        let parameters = try config.recipe(tensorNames: names).parameters(forTensor: names[1])
        XCTAssertEqual(config.method, .ties)
        XCTAssertEqual(config.outputDType, .f16)
        XCTAssertEqual(parameters.weights, [0.5, 0.25])
        XCTAssertEqual(parameters.densities, [0.7, 0.9])
        XCTAssertEqual(parameters.scale, 0.5)
        XCTAssertFalse(parameters.normalize)
        XCTAssertEqual(parameters.rescale, .l1Norm)
        let stock = try configuration("models: [{model: a}, {model: b}]\nbase_model: base\nmerge_method: model_stock\nparameters: {filter_wise: false}")
        XCTAssertEqual(stock.ingredients, ["a", "b"])
    }

    func testRescaleIsTrueForTheL1NormFalseForNoneOrDensityForTheDarePapersPerTensorAndDareDefaultsToTheDensity() throws {
        func rescales(_ method: String, _ parameters: String) throws -> [MergeRecipe.Rescale] {
            let recipe = try configuration("models: [{model: a, parameters: {weight: 1, density: 0.5}}]\nbase_model: base\nmerge_method: \(method)\n\(parameters)")
                .recipe(tensorNames: names)
            return names.map { recipe.parameters(forTensor: $0).rescale }
        }
        // DARE's default is the and the DARE paper's 1/density; mergekit 0.1.5's L1 form is `true`.
        XCTAssertEqual(try rescales("dare_ties", ""), Array(repeating: .density, count: names.count))
        XCTAssertEqual(try rescales("dare_linear", ""), Array(repeating: .density, count: names.count))
        XCTAssertEqual(try rescales("dare_linear", "parameters: {rescale: true}"), Array(repeating: .l1Norm, count: names.count))
        XCTAssertEqual(try rescales("ties", ""), Array(repeating: .none, count: names.count))
        XCTAssertEqual(try rescales("dare_linear", "parameters: {rescale: density}"), Array(repeating: .density, count: names.count))
        XCTAssertEqual(try rescales("ties", "parameters: {rescale: [{filter: mlp, value: density}, {value: true}]}"), [.l1Norm, .l1Norm, .density, .density, .l1Norm])
    }

    func testARescaleOtherThanTrueFalseOrDensityIsRefusedNamingTheKey() {
        let models = "models: [{model: a, parameters: {weight: 1}}]\nbase_model: base\nmerge_method: dare_linear\n"
        XCTAssertEqual(refusal(models + "parameters: {rescale: l2}"),
                       .invalidValue(path: "merge.yml", key: "parameters.rescale", expected: "true, false, 'density', or a list of {filter, value} conditions"))
        XCTAssertEqual(refusal(models + "parameters: {rescale: [{filter: mlp, value: l1}]}"),
                       .invalidValue(path: "merge.yml", key: "parameters.rescale[0].value", expected: "true, false or 'density'"))
        // Refused where it is written (it was found per tensor, naming the bare key).
        XCTAssertEqual(refusal(models + "parameters: {rescale: 2}"),
                       .invalidValue(path: "merge.yml", key: "parameters.rescale", expected: "true, false, 'density', or a list of {filter, value} conditions"))
        XCTAssertEqual(refusal(models + "parameters: {rescale: [{filter: mlp, value: [{value: true}]}]}"),
                       .invalidValue(path: "merge.yml", key: "parameters.rescale[0].value", expected: "true, false or 'density'"))
        XCTAssertNil(refusal(models + "parameters: {rescale: \"density\"}"), "a quoted word is the word")
        // Only `rescale` takes a word.
        XCTAssertEqual(refusal(models + "parameters: {lambda: density}"),
                       .invalidValue(path: "merge.yml", key: "parameters.lambda", expected: "a number, a list of numbers, or a list of {filter, value} conditions"))
    }

    func testSlerpNeedsT() {
        XCTAssertEqual(refusal("""
            models: [{model: base}, {model: a}]
            base_model: base
            merge_method: slerp
            """), .missingParameter(path: "merge.yml", parameter: "t", model: nil, tensor: names[0]))
    }

    /// Regression: a model count the method cannot merge was refused once the models were open,
    /// without naming the configuration (exit 1, "merge method 'model_stock' takes …").
    func testAModelCountTheMethodCannotMergeIsRefusedNamingTheConfiguration() {
        XCTAssertEqual(refusal("models: [{model: a}]\nbase_model: b\nmerge_method: model_stock"),
                       .invalidValue(path: "merge.yml", key: "models", expected: "at least two models besides the base model for 'model_stock'; 1 is listed"))
        XCTAssertEqual(refusal("models: [{model: b}, {model: a}, {model: c}]\nbase_model: b\nmerge_method: slerp\nparameters: {t: 0.5}"),
                       .invalidValue(path: "merge.yml", key: "models", expected: "exactly one other model besides the base model for 'slerp'; 2 are listed"))
        XCTAssertNil(refusal("models: [{model: b}, {model: a}]\nbase_model: b\nmerge_method: slerp\nparameters: {t: 0.5}"))
    }

    func testAMissingWeightNamesTheModelAndSaysWhereToGiveIt() {
        let error = refusal("""
            models: [{model: a}, {model: b, parameters: {weight: 1}}]
            base_model: base
            merge_method: task_arithmetic
            """)
        XCTAssertEqual(error, .missingParameter(path: "merge.yml", parameter: "weight", model: "a", tensor: names[0]))
        XCTAssertEqual(error?.description, "merge.yml: parameter 'weight' of model a has no value for tensor '\(names[0])': "
            + "give it in the model's parameters or in the global ones (without a filter, or with one that matches the tensor)")
    }

    func testUnsupportedKeysAreRefusedNamingThem() {
        let models = "models: [{model: a, parameters: {weight: 1}}]\nbase_model: base\nmerge_method: task_arithmetic\n"
        let cases = [
            "slices: []": "slices", "tokenizer_source: union": "tokenizer_source", "wat: 1": "wat",
            "parameters: {int8_mask: false}": "parameters.int8_mask", "parameters: {density: 0.5}": "parameters.density",
        ]
        for (extra, key) in cases {
            guard case let .unsupportedKey(_, refused, _) = refusal(models + extra) else { return XCTFail("\(extra) was accepted") }
            XCTAssertEqual(refused, key)
        }
        guard case let .unsupportedKey(_, key, _) = refusal("models: [{model: a, layer_range: [0, 2]}]\nmerge_method: linear") else {
            return XCTFail("layer_range was accepted")
        }
        XCTAssertEqual(key, "models[0].layer_range")
    }

    func testValuesOfTheWrongKindAreRefused() {
        XCTAssertEqual(refusal("models: [{model: a, parameters: {weight: heavy}}]\nmerge_method: linear"),
                       .invalidValue(path: "merge.yml", key: "models[0].parameters.weight", expected: "a number, a list of numbers, or a list of {filter, value} conditions"))
        // Each parameter's kind, where it is written (a boolean weight was found per tensor, as 'weight').
        XCTAssertEqual(refusal("models: [{model: a, parameters: {weight: true}}]\nmerge_method: linear"),
                       .invalidValue(path: "merge.yml", key: "models[0].parameters.weight", expected: "a number, a list of numbers, or a list of {filter, value} conditions"))
        XCTAssertEqual(refusal("models: [{model: a, parameters: {weight: 1}}]\nmerge_method: linear\nparameters: {normalize: 1}"),
                       .invalidValue(path: "merge.yml", key: "parameters.normalize", expected: "true, false, or a list of {filter, value} conditions"))
        // A condition written as one mapping is named as written, without an index.
        XCTAssertEqual(refusal("models: [{model: a, parameters: {weight: 1, density: {filter: mlp, value: 1.5}}}]\nbase_model: b\nmerge_method: ties"),
                       .invalidValue(path: "merge.yml", key: "models[0].parameters.density.value", expected: "a fraction from 0 to 1, not 1.5"))
        // The first bad value in the models' order: model 2 before model 10.
        let eleven = (0...10).map { "{model: m\($0), parameters: {weight: 1, density: \($0 == 2 || $0 == 10 ? 2 : 0.5)}}" }.joined(separator: ", ")
        XCTAssertEqual(refusal("models: [\(eleven)]\nbase_model: b\nmerge_method: ties"),
                       .invalidValue(path: "merge.yml", key: "models[2].parameters.density", expected: "a fraction from 0 to 1, not 2.0"))
        XCTAssertEqual(refusal("models: [{model: a}]\nmerge_method: linear\nmerge_method: linear").map { "\($0)" }?.hasPrefix("merge.yml: not a YAML"), true)
        XCTAssertEqual(refusal("models: [{model: a}]\nbase_model: b\nmerge_method: model_stock\nparameters: {filter_wise: true}").map { "\($0)" }?.contains("filter_wise"), true)
    }
}
