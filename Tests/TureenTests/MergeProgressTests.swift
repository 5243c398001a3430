import Foundation
import Tureen
import TureenCore
import TureenTestSupport
import XCTest

/// A merge's progress counts its first passes and its writing, which run on different threads for
/// TIES (the threshold search of later tensors while earlier ones merge).
final class MergeProgressTests: XCTestCase {
    private var scratch: ScratchFolder!

    override func setUpWithError() throws { scratch = try makeScratchFolder() }

    func testTiesProgressOnlyRises() throws {
        // The bundled fine-tunes as safetensors, so that every source can be read from two threads.
        let models = try ["finetune-1.safetensors", "finetune-2.h5", "finetune-3.npz"].map { name in
            var conversion = Conversion(input: Fixtures.path("demo/" + name), output: scratch.path + "/" + name + ".safetensors")
            conversion.readOptions = ReadOptions(assumedVoidTypes: [.bf16])
            _ = try conversion.run()
            return conversion.output
        }
        var recipe = MergeRecipe(method: .ties, parameters: .init(method: .ties, ingredientCount: 2))
        recipe.parameters.densities = [0.5, 0.5]
        let job = MergeJob(ingredients: Array(models[1...]), base: models[0], recipe: recipe, output: scratch.path + "/ties.safetensors")
        let reports = LockedValue<[(done: Int, total: Int)]>([])
        _ = try job.run { done, total in reports.withLock { $0.append((done, total)) } }
        let seen = reports.withLock { $0 }
        let total = try XCTUnwrap(seen.first?.total)
        XCTAssertTrue(seen.allSatisfy { $0.total == total })
        XCTAssertEqual(seen.map(\.done), seen.map(\.done).sorted(), "progress went back")
        // The first passes' share of the total is an estimate (a tensor kept whole is not read).
        XCTAssertGreaterThan(seen.last?.done ?? 0, total / 2)
    }
}
