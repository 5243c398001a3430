import TureenCore

/// The kernels a merge method made for the tensors it merges, by plan entry index
/// (`MergePreparation`): all made before the merge starts, or made on a thread of their own, in
/// plan order, while the executor merges the tensors before them, so that a method's first passes
/// (TIES's threshold search) use the cycles the executor leaves idle rather than running before it.
/// `kernel(forEntry:)` waits for a kernel being made, and makes one not started yet itself (a
/// writer may ask for the tensors in another order than the plan's).
package final class PreparedKernels {
    private let made: [Int: any MergeKernel]
    private let ahead: Ahead?

    /// Kernels made already.
    package init(_ kernels: [Int: any MergeKernel] = [:]) {
        made = kernels
        ahead = nil
    }

    /// Makes the kernels of `tensors` (plan entry index, entry, parameters, in plan order) with
    /// `method`, which `preparesWhileMerging`: the first here, with every thread of `passes` (the
    /// executor has nothing to merge before it), the others on a thread of their own, one tensor at
    /// a time and each pass on that one thread, so that they take the cycles the executor's threads
    /// leave (on every thread, the passes and the merge crowd each other's caches: more CPU time in
    /// all, and no gain in wall time, as measured); a tensor asked for before that thread has
    /// started it is made on the asking thread, with every thread of `passes`. The sources must
    /// allow it (`canPrepareWhileMerging`).
    ///
    /// - Throws: what preparing the first tensor throws; `TensorStoreError.cannotStartThread`.
    init(preparingInOrder tensors: [Tensor], method: any TensorMergeMethod, passes: StatisticsPass) throws {
        precondition(method.preparesWhileMerging, "a method whose preparation must end before the merge starts")
        precondition(Self.canPrepareWhileMerging(tensors), "a source read by one thread at a time")
        guard let first = tensors.first else {
            (made, ahead) = ([:], nil)
            return
        }
        made = [first.index: try method.prepare(first.entry, parameters: first.parameters, passes: passes).kernel]
        ahead = tensors.count > 1 ? try Ahead(tensors: Array(tensors.dropFirst()), method: method, passes: passes) : nil
    }

    /// A merged tensor waiting for its kernel.
    typealias Tensor = (index: Int, entry: SoupPlan.Entry, parameters: MergeRecipe.Parameters)

    /// Whether every source of `tensors` allows concurrent copies: the executor reads other
    /// tensors while these are prepared.
    static func canPrepareWhileMerging(_ tensors: [Tensor]) -> Bool {
        tensors.allSatisfy { $0.entry.sources.allSatisfy(\.source.supportsConcurrentCopies) }
    }

    /// The kernel of plan entry `index`, nil if it has none (the executor's linear kernel then
    /// merges it); waits until it is made, or makes it here if its making has not started.
    ///
    /// - Throws: what making this tensor's kernel threw (a source that cannot be read), each time
    ///   it is asked for.
    package func kernel(forEntry index: Int) throws -> (any MergeKernel)? {
        if let kernel = made[index] { return kernel }
        return try ahead?.kernel(forEntry: index)
    }

    /// The thread making the kernels after the first, and what each tensor's making has come to.
    private final class Ahead {
        private let positions: [Int: Int]
        private let state: LockedValue<State>
        private let context: JobContext
        /// The passes of a kernel made on the caller's thread, one at a time.
        private let callerPasses: LockedValue<StatisticsPass>
        private let worker: SerialWorker

        private enum Progress {
            case waiting
            case running
            case made(any MergeKernel)
            case failed(any Error)
        }

        private struct State {
            /// By position in `context.tensors`.
            var progress: [Progress]
            var isStopping = false

            /// Marks the tensor at `position` as being made, if its making has not started.
            mutating func claim(_ position: Int) -> Bool {
                guard case .waiting = progress[position] else { return false }
                progress[position] = .running
                return true
            }
        }

        init(tensors: [Tensor], method: any TensorMergeMethod, passes: StatisticsPass) throws {
            positions = Dictionary(tensors.enumerated().map { ($1.index, $0) }) { first, _ in first }
            let state = LockedValue(State(progress: Array(repeating: .waiting, count: tensors.count)))
            let context = JobContext(method: method, tensors: tensors, passes: passes.onOneThread)
            self.state = state
            self.context = context
            callerPasses = LockedValue(passes)
            worker = try SerialWorker()
            let count = tensors.count
            _ = worker.submit {
                for position in 0..<count {
                    let claimed = state.withLock { state -> Bool? in state.isStopping ? nil : state.claim(position) }
                    guard let claimed else { return }
                    guard claimed else { continue }
                    let outcome = Self.outcome { try context.prepare(position, passes: context.workerPasses) }
                    state.withLockBroadcasting { $0.progress[position] = outcome }
                    // The merge stops at this tensor: nothing after it is needed.
                    if case .failed = outcome { return }
                }
            }
        }

        deinit {
            stop()
        }

        func kernel(forEntry index: Int) throws -> (any MergeKernel)? {
            guard let position = positions[index] else { return nil }
            let isRunning = { (state: State) in
                if case .running = state.progress[position] { return true }
                return false
            }
            // nil: not started, and claimed here.
            var outcome = state.wait(until: { !isRunning($0) }) { state -> Progress? in
                state.claim(position) ? nil : state.progress[position]
            }
            if outcome == nil {
                let made = Self.outcome { try callerPasses.withLock { try context.prepare(position, passes: $0) } }
                state.withLockBroadcasting { $0.progress[position] = made }
                outcome = made
            }
            switch outcome {
            case let .made(kernel)?: return kernel
            case let .failed(error)?: throw error
            case .waiting?, .running?, nil: preconditionFailure("a kernel neither made nor failed")
            }
        }

        private static func outcome(of making: () throws -> any MergeKernel) -> Progress {
            do { return .made(try making()) } catch { return .failed(error) }
        }

        /// Skips the tensors not started yet and waits for the one being made, so that no source
        /// is read once the merge is over.
        private func stop() {
            state.withLock { $0.isStopping = true }
            try? worker.finish()
        }
    }

    /// What the worker's job reads: the method, the tensors and its passes.
    private final class JobContext: @unchecked Sendable {
        // Safe to share: made before the job is queued and never changed after; `workerPasses`'
        // buffers are used only on the worker's thread.
        let method: any TensorMergeMethod
        let tensors: [Tensor]
        let workerPasses: StatisticsPass

        init(method: any TensorMergeMethod, tensors: [Tensor], passes: StatisticsPass) {
            self.method = method
            self.tensors = tensors
            self.workerPasses = passes
        }

        func prepare(_ position: Int, passes: StatisticsPass) throws -> any MergeKernel {
            let tensor = tensors[position]
            return try method.prepare(tensor.entry, parameters: tensor.parameters, passes: passes).kernel
        }
    }
}
