@testable import Soup
import TureenCore
import TureenTestSupport
import XCTest

/// TIES's threshold search runs on a thread of its own while earlier tensors merge
/// (`PreparedKernels`): the same output as searching first, whatever order the writer asks for the
/// tensors in and however often; a read error reaches the merge with its own tensor; and a merge
/// that ends early leaves no search reading behind it.
final class PreparedKernelsTests: XCTestCase {
    private let ties = MergeRecipe(method: .ties, parameters: {
        var parameters = MergeRecipe.Parameters(method: .ties, ingredientCount: 2)
        parameters.densities = [0.3, 0.6]
        return parameters
    }())

    /// Three models of tensors large enough for the windowed search (`w0`, `w2`) and small ones,
    /// f32 and bf16, with values repeating so that thresholds are shared by many elements.
    private func models(count: Int = TrimSelection.windowedValueCount + 4_321) throws -> [TensorStore] {
        try (0..<3).map { model in
            try StoreBuilder.store("m\(model)", (0..<4).map { tensor in
                let values = (0..<(tensor.isMultiple(of: 2) ? count : 999)).map { Double(($0 &* (7 + model) &+ tensor) % 101) / 16 - 3 }
                let dtype: DType = tensor == 2 ? .bf16 : .f32
                return (name: "w\(tensor)", dtype: dtype, shape: [values.count], bytes: TensorBytes.encode(values, as: dtype))
            })
        }
    }

    private func plan(_ models: [TensorStore], options: SoupOptions) throws -> SoupPlan {
        try SoupPlan.make(ingredients: Array(models[0..<2]), base: models[2], recipe: .uniform(count: 2, baseRelative: .init(scale: 1)), options: options)
    }

    /// Each tensor's merged bytes, in plan order; produced last to first when `reversed`.
    private func output(of plan: SoupPlan, kernels: PreparedKernels, options: SoupOptions, reversed: Bool = false) throws -> [[UInt8]] {
        let producer = SoupProducer(plan: plan, recipe: try .uniform(count: 2, baseRelative: .init(scale: 1)), options: options, metadata: [:])
        producer.preparedKernels = kernels
        var outputs = [[UInt8]](repeating: [], count: producer.tensors.count)
        for index in reversed ? Array(outputs.indices.reversed()) : Array(outputs.indices) {
            try producer.produce(tensorAt: index) { outputs[index] += $0 }
        }
        return outputs
    }

    /// Two threads, and chunks smaller than the large tensors.
    private var twoThreads: SoupOptions {
        var options = SoupOptions()
        options.threadCount = 2
        options.chunkElementCount = 50_000
        return options
    }

    /// The plan of `models()`, its kernels made while merging (`MergePreparation`), and its output
    /// with every kernel made first; `twoThreads`. (Outputs are compared with ==: a failure of
    /// `XCTAssertEqual` would print every byte.)
    private func preparedWhileMergingAndOutputPreparedFirst() throws -> (plan: SoupPlan, kernels: PreparedKernels, reference: [[UInt8]]) {
        let plan = try plan(try models(), options: twoThreads)
        let method = ties.method.tensorMethod(seed: 0)
        var first: [Int: any MergeKernel] = [:]
        for (index, entry) in plan.entries.enumerated() {
            first[index] = try method.prepare(entry, parameters: ties.parameters, passes: StatisticsPass(options: twoThreads)).kernel
        }
        let kernels = try MergePreparation(plan: plan, recipe: ties, options: twoThreads).kernels
        return (plan, kernels, try output(of: plan, kernels: PreparedKernels(first), options: twoThreads))
    }

    func testTiesPreparedWhileMergingEqualsTiesPreparedFirst() throws {
        let (plan, kernels, reference) = try preparedWhileMergingAndOutputPreparedFirst()
        XCTAssertTrue(try output(of: plan, kernels: kernels, options: twoThreads) == reference)
        // Regression: a kernel was handed out once, and a second request merged the tensor linearly.
        XCTAssertTrue(try output(of: plan, kernels: kernels, options: twoThreads) == reference, "a kernel asked for twice")
    }

    func testAWriterAskingForTheTensorsLastToFirstGetsTheSameOutput() throws {
        // Writers order tensors their own way (safetensors by dtype, then name).
        let (plan, kernels, reference) = try preparedWhileMergingAndOutputPreparedFirst()
        XCTAssertTrue(try output(of: plan, kernels: kernels, options: twoThreads, reversed: true) == reference)
    }

    func testAReadErrorInALaterTensorsSearchStopsTheMergeAndNamesTheFile() throws {
        let count = TrimSelection.windowedValueCount + 99
        var models = try models(count: count)
        // The base's w2 cannot be read past its first values: its threshold search fails.
        models[2] = try TensorStore(location: "base", formatName: "memory", tensors: models[2].tensors.map { tensor in
            guard tensor.info.name == "w2" else { return tensor }
            return StoredTensor(info: tensor.info, source: FailingSource(failAt: 1_000))
        })
        let options = SoupOptions()
        let plan = try plan(models, options: options)
        // Only reading fails: the merge starts, and the error comes with the tensor.
        let preparation = try MergePreparation(plan: plan, recipe: ties, options: options)
        XCTAssertThrowsError(try output(of: plan, kernels: preparation.kernels, options: options)) { error in
            XCTAssertTrue("\(error)".contains("broken.safetensors"), "\(error)")
        }
        let entries = Dictionary(uniqueKeysWithValues: plan.entries.enumerated().map { ($1.output.name, $0) })
        let kernels = try MergePreparation(plan: plan, recipe: ties, options: options).kernels
        for _ in 0..<2 {
            XCTAssertThrowsError(try kernels.kernel(forEntry: try XCTUnwrap(entries["w2"]))) { error in
                XCTAssertTrue("\(error)".contains("broken.safetensors"), "\(error)")
            }
        }
        // The other tensors' kernels are unaffected.
        for name in ["w0", "w1", "w3"] {
            XCTAssertNotNil(try kernels.kernel(forEntry: try XCTUnwrap(entries[name])), name)
        }
    }

    func testKernelsDroppedBeforeTheirTurnStopTheSearchesNotStarted() throws {
        var models = try models()
        let reads = LockedValue(0)
        // Every tensor of the first model counts the reads of its bytes.
        models[0] = try TensorStore(location: "m0", formatName: "memory", tensors: models[0].tensors.map { tensor in
            StoredTensor(info: tensor.info, source: CountingSource(wrapping: tensor.source, reads: reads))
        })
        let options = SoupOptions()
        let plan = try plan(models, options: options)
        let method = ties.method.tensorMethod(seed: 0)
        for entry in plan.entries { _ = try method.prepare(entry, parameters: ties.parameters, passes: StatisticsPass(options: options)) }
        let readsPerRound = reads.withLock { reads in
            defer { reads = 0 }
            return reads
        }
        // Fifty rounds of the plan's tensors.
        let tensors = (0..<(50 * plan.entries.count)).map { (index: $0, entry: plan.entries[$0 % plan.entries.count], parameters: ties.parameters) }
        var kernels: PreparedKernels? = try PreparedKernels(preparingInOrder: tensors, method: method, passes: StatisticsPass(options: options))
        XCTAssertNotNil(try kernels?.kernel(forEntry: 0))
        kernels = nil
        let afterStop = reads.withLock { $0 }
        usleep(200_000)
        XCTAssertEqual(reads.withLock { $0 }, afterStop, "a search read a source after the kernels were dropped")
        XCTAssertLessThan(afterStop, 10 * readsPerRound, "the searches after the stop were not skipped")
    }
}

/// Another source's bytes, counting how often they are read.
private final class CountingSource: TensorByteSource {
    private let wrapped: any TensorByteSource
    private let reads: LockedValue<Int>

    init(wrapping wrapped: any TensorByteSource, reads: LockedValue<Int>) {
        self.wrapped = wrapped
        self.reads = reads
    }

    var supportsConcurrentCopies: Bool { wrapped.supportsConcurrentCopies }

    func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        reads.withLock { $0 += 1 }
        return try wrapped.withBytes(in: range, body)
    }

    func copyBytes(in range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
        reads.withLock { $0 += 1 }
        try wrapped.copyBytes(in: range, into: buffer)
    }
}
