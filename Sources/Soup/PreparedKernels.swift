import TureenCore

/// The kernels a merge method made for the tensors it merges, by plan entry index
/// (`MergePreparation`): all made before the merge starts, or made on a thread of their own, in
/// plan order, while the executor merges the tensors before them, so that a method's first passes
/// (TIES's threshold search) use the cycles the executor leaves idle rather than running before it.
/// `kernel(forEntry:)` waits for a kernel not made yet.
package final class PreparedKernels {
    /// The entries with a kernel, in plan order.
    package let entryIndices: [Int]
    private let made: [Int: any MergeKernel]
    private let ahead: Ahead?

    /// Kernels made already.
    package init(_ kernels: [Int: any MergeKernel] = [:]) {
        entryIndices = kernels.keys.sorted()
        made = kernels
        ahead = nil
    }

    /// Makes the kernels of `tensors` (plan entry index, entry, parameters, in plan order) with
    /// `method`, which `preparesWhileMerging`: the first here, with every thread of `passes` (the
    /// executor has nothing to merge before it), the others on a thread of their own, one tensor at
    /// a time and each pass on that one thread, so that they take the cycles the executor's threads
    /// leave (on every thread, the passes and the merge crowd each other's caches: more CPU time in
    /// all, and no gain in wall time, as measured). Every source must allow concurrent copies: the
    /// executor reads other tensors meanwhile.
    ///
    /// - Throws: what preparing the first tensor throws; `TensorStoreError.cannotStartThread`.
    init(preparingInOrder tensors: [Tensor], method: any TensorMergeMethod, passes: StatisticsPass) throws {
        precondition(method.preparesWhileMerging, "a method whose preparation must end before the merge starts")
        entryIndices = tensors.map(\.index)
        guard let first = tensors.first else {
            (made, ahead) = ([:], nil)
            return
        }
        made = [first.index: try method.prepare(first.entry, parameters: first.parameters, passes: passes).kernel]
        ahead = try Ahead(tensors: Array(tensors.dropFirst()), method: method, passes: passes.onOneThread)
    }

    /// A merged tensor waiting for its kernel.
    typealias Tensor = (index: Int, entry: SoupPlan.Entry, parameters: MergeRecipe.Parameters)

    deinit {
        ahead?.stop()
    }

    /// The kernel of plan entry `index`, nil if it has none (the executor's linear kernel then
    /// merges it); waits until it is made.
    ///
    /// - Throws: what making this kernel, or one before it, threw (a source that cannot be read).
    package func kernel(forEntry index: Int) throws -> (any MergeKernel)? {
        if let kernel = made[index] { return kernel }
        return try ahead?.kernel(forEntry: index)
    }

    /// The thread making the kernels, and what it has made and not yet handed out.
    private final class Ahead {
        private let worker: SerialWorker
        private var tickets: [Int: SerialWorker.Ticket] = [:]
        private let state: LockedValue<State>

        private struct State {
            var kernels: [Int: any MergeKernel] = [:]
            var isStopping = false
        }

        init(tensors: [Tensor], method: any TensorMergeMethod, passes: StatisticsPass) throws {
            worker = try SerialWorker()
            let state = LockedValue(State())
            self.state = state
            let context = JobContext(method: method, passes: passes, tensors: tensors)
            for (position, index) in tensors.map(\.index).enumerated() {
                tickets[index] = worker.submit {
                    guard !state.withLock(\.isStopping) else { return }
                    let kernel = try context.prepare(position)
                    state.withLock { $0.kernels[index] = kernel }
                }
            }
        }

        func kernel(forEntry index: Int) throws -> (any MergeKernel)? {
            guard let ticket = tickets[index] else { return nil }
            try worker.wait(for: ticket)
            return state.withLock { $0.kernels.removeValue(forKey: index) }
        }

        /// Skips the tensors not started yet and waits for the one being prepared, so that no
        /// source is read once the merge is over.
        func stop() {
            state.withLock { $0.isStopping = true }
            try? worker.finish()
        }
    }

    /// What the jobs read: the method, the passes and the tensors.
    private final class JobContext: @unchecked Sendable {
        // Safe to share: made before the first job is queued and never changed after; the jobs run
        // one at a time on the worker's thread, the only one that uses the passes' buffers.
        private let method: any TensorMergeMethod
        private let passes: StatisticsPass
        private let tensors: [Tensor]

        init(method: any TensorMergeMethod, passes: StatisticsPass, tensors: [Tensor]) {
            self.method = method
            self.passes = passes
            self.tensors = tensors
        }

        func prepare(_ position: Int) throws -> any MergeKernel {
            let tensor = tensors[position]
            return try method.prepare(tensor.entry, parameters: tensor.parameters, passes: passes).kernel
        }
    }
}
