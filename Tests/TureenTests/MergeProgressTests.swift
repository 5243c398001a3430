import Foundation
import Synchronization
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
        // Three models of four tensors large enough for the windowed threshold search, so that the
        // searches of later tensors run while earlier ones merge.
        let values = 150_000
        let models = try (0..<3).map { model in
            let tensors = try (0..<4).map { tensor in
                (try TensorInfo(name: "w\(tensor)", dtype: .f32, shape: [values]),
                 TensorBytes.f32((0..<values).map { Float(($0 &* (model + 3) &+ tensor) % 97) / 8 }))
            }
            let path = scratch.path + "/m\(model).safetensors"
            try FormatRegistry.standard.writer(for: path).writer.write(MemoryProducer(tensors), to: path, options: WriteOptions())
            return path
        }
        var recipe = MergeRecipe(method: .ties, parameters: .init(method: .ties, ingredientCount: 2))
        recipe.parameters.densities = [0.5, 0.5]
        let job = MergeJob(ingredients: Array(models[1...]), base: models[0], recipe: recipe, output: scratch.path + "/ties.safetensors")
        // Relaxed atomics, not a lock: the callback must not order the threads' calls itself, or a
        // thread sanitizer would not see two of them race on the counter.
        let seen = Observed()
        _ = try job.run { done, total in
            seen.calls.add(1, ordering: .relaxed)
            seen.total.store(total, ordering: .relaxed)
            if seen.last.exchange(done, ordering: .relaxed) > done { seen.wentBack.store(true, ordering: .relaxed) }
        }
        XCTAssertGreaterThan(seen.calls.load(ordering: .relaxed), 1)
        XCTAssertFalse(seen.wentBack.load(ordering: .relaxed), "progress went back")
        // The first passes' share of the total is an estimate (one window pass per tensor), and
        // every tensor here takes one: progress ends at the total, give or take the tie passes'
        // slivers. (More than half, as it was, would not see a thread's reports lost.)
        let (last, total) = (seen.last.load(ordering: .relaxed), seen.total.load(ordering: .relaxed))
        XCTAssertGreaterThanOrEqual(Double(last), 0.95 * Double(total))
        XCTAssertLessThanOrEqual(Double(last), 1.05 * Double(total))
    }
}

/// What the progress callback saw.
private final class Observed: Sendable {
    let calls = Atomic<Int>(0)
    let last = Atomic<Int>(0)
    let total = Atomic<Int>(0)
    let wentBack = Atomic<Bool>(false)
}
