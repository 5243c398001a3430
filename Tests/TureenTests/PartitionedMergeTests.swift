import Foundation
import Tureen
import TureenTestSupport
import XCTest

/// `MergeJob.partition`: the tasks' shards joined by `PartitionIndexJob` are the unpartitioned
/// merge's, each task's first passes report its own tensors, and the plan id covers the recipe.
final class PartitionedMergeTests: XCTestCase {
    private var scratch: ScratchFolder!

    override func setUpWithError() throws { scratch = try makeScratchFolder() }

    /// Model Stock of the bundled fine-tunes (the safetensors one as the base) into `folder`, in shards of about two tensors.
    private func merge(_ recipe: MergeRecipe, into folder: String, partition: Partition?) throws -> MergeJob.Report {
        let ingredients = ["demo/finetune-2.h5", "demo/finetune-3.npz"].map(Fixtures.path)
        var job = MergeJob(ingredients: ingredients, base: Fixtures.path("demo/finetune-1.safetensors"), recipe: recipe, output: scratch.path + "/" + folder)
        job.readOptions = ReadOptions(assumedVoidTypes: [.bf16])
        job.writeOptions.maxShardSize = 2200
        job.partition = partition
        return try job.run()
    }

    private let modelStock = MergeRecipe(method: .modelStock, parameters: .init(method: .modelStock, ingredientCount: 2))

    func testPartitionedModelStockJoinedByTheIndexEqualsTheUnpartitionedMerge() throws {
        let whole = try merge(modelStock, into: "whole", partition: nil)
        XCTAssertEqual(whole.statistics.count, 6)
        var statistics: [MergedTensorStatistics] = []
        for index in [2, 0, 1] {
            let share = try merge(modelStock, into: "parts", partition: try Partition(index: index, count: 3))
            XCTAssertEqual(share.soup.partition?.written.isEmpty, false)
            statistics += share.statistics
        }
        XCTAssertEqual(statistics.count, whole.statistics.count, "each tensor's first pass runs in one task only")
        XCTAssertEqual(Set(statistics.map(\.tensor)), Set(whole.statistics.map(\.tensor)))
        for entry in statistics { XCTAssertEqual(whole.statistics.first { $0.tensor == entry.tensor }, entry) }
        XCTAssertEqual(try PartitionIndexJob(folder: scratch.path + "/parts").run().taskCount, 3)
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/whole")
        XCTAssertGreaterThan(names.count, 3)
        for name in names {
            XCTAssertEqual(try scratch.bytes("whole/" + name), try scratch.bytes("parts/" + name), name)
        }
    }

    func testThePlanIdCoversTheMethodParametersPerTensorParametersAndSeed() throws {
        var ties = MergeRecipe(method: .ties, parameters: .init(method: .ties, ingredientCount: 2))
        ties.parameters.densities = [0.5, 0.5]
        var otherMethod = ties
        otherMethod.method = .dareTies
        var otherWeight = ties
        otherWeight.parameters.weights = [1, 0.5]
        var otherTensor = ties
        otherTensor.tensorParameters["model.norm.weight"] = otherWeight.parameters
        var otherSeed = ties
        otherSeed.seed = 7
        var ids: [String] = []
        for (number, recipe) in [ties, otherMethod, otherWeight, otherTensor, otherSeed, ties].enumerated() {
            ids.append(try XCTUnwrap(merge(recipe, into: "plan\(number)", partition: try Partition(index: 0, count: 1)).soup.partition?.planID))
        }
        XCTAssertEqual(Set(ids.dropLast()).count, 5, "\(ids)")
        XCTAssertEqual(ids.last, ids.first, "the same merge gives the same plan id")
    }
}
