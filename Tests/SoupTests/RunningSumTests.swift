import Foundation
@testable import Soup
import TureenCore
import TureenTestSupport
import XCTest

/// The greedy soup's executor: a candidate from a Float64 running sum must be the uniform soup
/// of the same ingredients in the same order, bit for bit.
final class RunningSumTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = try makeScratchFolder().path
    }

    /// bf16 ingredients with values spread over many binades, and an integer tensor.
    private func ingredients(_ count: Int, elements: Int) throws -> [TensorStore] {
        try (0..<count).map { seed in
            let values = (0..<elements).map { index -> Float in
                let scrambled = (index &* 7919 &+ seed &* 104_729) % 100_003
                return Float(scrambled - 50_000) * Float(pow(2.0, Double(index % 17 - 8)))
            }
            let bf16 = TensorBytes.encode(values.map(Double.init), as: .bf16)
            return try StoreBuilder.store("i\(seed)", [("w", .bf16, [elements], bf16), ("ids", .i64, [2], TensorBytes.i64([4, 5]))])
        }
    }

    private func produce(_ producer: TensorProducer) throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for (index, info) in producer.tensors.enumerated() {
            var bytes: [UInt8] = []
            try producer.produce(tensorAt: index) { bytes += $0 }
            result[info.name] = bytes
        }
        return result
    }

    func testCandidatesFromARunningSumAreTheUniformSoupOfTheSameIngredients() throws {
        let stores = try ingredients(4, elements: 150_001)
        var options = SoupOptions()
        options.chunkElementCount = 65_536
        let plan = try SoupPlan.make(ingredients: stores, base: nil, recipe: try .uniform(count: 4), options: options)
        // Fold the ingredients in one at a time, as a greedy soup that keeps every candidate does.
        var sum: TensorStore?
        for kept in 2...4 {
            let addends = (sum.map { [$0] } ?? [stores[0]]) + [stores[kept - 1]]
            let writer = try RunningSumWriter(path: folder + "/sum-\(kept).f64")
            let producer = try RunningSumProducer(
                plan: plan, addends: addends, count: kept, options: options, metadata: [:], sumWriter: writer)
            let candidate = try produce(producer)
            sum = try writer.commit().open()
            let uniform = try runSoup(Array(stores[0..<kept]), recipe: try .uniform(count: kept), options: options)
            XCTAssertEqual(candidate, uniform, "candidate of \(kept) ingredients")
            XCTAssertEqual(sum?.tensors.map(\.info.dtype), [.f64])
        }
    }

    func testAddendsNotYetInTheSumAreAddedInOrder() throws {
        let stores = try ingredients(3, elements: 70_000)
        let plan = try SoupPlan.make(ingredients: stores, base: nil, recipe: try .uniform(count: 3), options: SoupOptions())
        let producer = try RunningSumProducer(
            plan: plan, addends: stores, count: 3, options: SoupOptions(), metadata: [:], sumWriter: nil)
        XCTAssertEqual(try produce(producer), try runSoup(stores, recipe: try .uniform(count: 3)))
    }

    func testViewedAddendsGiveTheSameCandidateAsCopiedOnes() throws {
        let stores = try ingredients(2, elements: 200_000)
        let viewed = try stores.map { store in
            try TensorStore(location: store.location, formatName: "memory", tensors: store.tensors.map { tensor in
                var bytes = [UInt8](repeating: 0, count: tensor.info.byteCount)
                try tensor.source.withBytes(in: 0..<tensor.info.byteCount) { bytes = Array($0) }
                return StoredTensor(info: tensor.info, source: ViewedBytes(bytes: bytes))
            })
        }
        var options = SoupOptions()
        options.chunkElementCount = 80_000
        let plan = try SoupPlan.make(ingredients: stores, base: nil, recipe: try .uniform(count: 2), options: options)
        let copiedResult = try produce(try RunningSumProducer(
            plan: plan, addends: stores, count: 2, options: options, metadata: [:], sumWriter: nil))
        let viewedResult = try produce(try RunningSumProducer(
            plan: plan, addends: viewed, count: 2, options: options, metadata: [:], sumWriter: nil))
        XCTAssertEqual(copiedResult, viewedResult)
    }

    func testOneIngredientIsWrittenAsItIs() throws {
        let stores = try ingredients(1, elements: 1000)
        var options = SoupOptions()
        options.outputDType = .fixed(.f32)
        let plan = try SoupPlan.make(ingredients: stores, base: nil, recipe: try .uniform(count: 1), options: options)
        let result = try produce(try RunningSumProducer(
            plan: plan, addends: stores, count: 1, options: options, metadata: [:], sumWriter: nil))
        XCTAssertEqual(result, try runSoup(stores, recipe: try .uniform(count: 1), options: options))
        XCTAssertEqual(result["ids"], TensorBytes.i64([4, 5]))
    }

    func testIntegerTensorsComeFromThePlansFirstIngredient() throws {
        let a = try StoreBuilder.store("a", [("w", .f32, [1], TensorBytes.f32([1])), ("ids", .i64, [1], TensorBytes.i64([1]))])
        let b = try StoreBuilder.store("b", [("w", .f32, [1], TensorBytes.f32([3])), ("ids", .i64, [1], TensorBytes.i64([2]))])
        var options = SoupOptions()
        options.integerPolicy = .takeFirst
        let plan = try SoupPlan.make(ingredients: [b, a], base: nil, recipe: try .uniform(count: 2), options: options)
        let result = try produce(try RunningSumProducer(
            plan: plan, addends: [b, a], count: 2, options: options, metadata: [:], sumWriter: nil))
        XCTAssertEqual(result["ids"], TensorBytes.i64([2]))
        XCTAssertEqual(TensorBytes.floats(result["w"]!), [2])
    }

    func testAnAddendWithoutAMergedTensorIsRefused() throws {
        let a = try StoreBuilder.store("a", [("w", .f32, [2], TensorBytes.f32([1, 2]))])
        let other = try StoreBuilder.store("other.safetensors", [("v", .f32, [2], TensorBytes.f32([1, 2]))])
        let plan = try SoupPlan.make(ingredients: [a], base: nil, recipe: try .uniform(count: 1), options: SoupOptions())
        XCTAssertThrowsError(try RunningSumProducer(
            plan: plan, addends: [a, other], count: 2, options: SoupOptions(), metadata: [:], sumWriter: nil)) { error in
            XCTAssertTrue("\(error)".contains("other.safetensors"), "\(error)")
            XCTAssertTrue("\(error)".contains("'w'"), "\(error)")
        }
    }

    func testNonFiniteResultsAreCountedAndCanStopTheCandidate() throws {
        let a = try StoreBuilder.store("a", [("w", .f32, [3], TensorBytes.f32([.nan, 1, 2]))])
        let b = try StoreBuilder.store("b", [("w", .f32, [3], TensorBytes.f32([1, 1, .infinity]))])
        var options = SoupOptions()
        let plan = try SoupPlan.make(ingredients: [a, b], base: nil, recipe: try .uniform(count: 2), options: options)
        let producer = try RunningSumProducer(plan: plan, addends: [a, b], count: 2, options: options, metadata: [:], sumWriter: nil)
        _ = try produce(producer)
        XCTAssertEqual(producer.nonFiniteResults, 2)
        options.failOnNonFinite = true
        let strict = try RunningSumProducer(plan: plan, addends: [a, b], count: 2, options: options, metadata: [:], sumWriter: nil)
        XCTAssertThrowsError(try produce(strict)) { XCTAssertTrue("\($0)".contains("'w'")) }
    }

    func testAnUnfinishedRunningSumLeavesNoFile() throws {
        let path = folder + "/sum.f64"
        do {
            let writer = try RunningSumWriter(path: path)
            try writer.beginTensor(try TensorInfo(name: "w", dtype: .bf16, shape: [4]))
            try [1.0, 2.0].withUnsafeBytes { try writer.append($0) }
            XCTAssertThrowsError(try writer.commit()) { XCTAssertTrue("\($0)".contains("'w'")) }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [])
    }
}

/// Bytes in memory that, like a decoder's output, can only be viewed.
private final class ViewedBytes: TensorByteSource {
    private let bytes: [UInt8]

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
}
