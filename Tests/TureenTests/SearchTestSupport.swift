import Foundation
import Soup
import TureenCore
import Tureen
import TureenTestSupport

/// Checkpoint files and in-process evaluators for the greedy and learned soup tests.
enum Checkpoints {
    /// Writes a checkpoint of `tensors` (name, dtype, shape, bytes) to `path`, in the format of its extension.
    static func write(_ path: String, _ tensors: [(String, DType, [Int], [UInt8])]) throws {
        let store = try TensorStore(location: path, formatName: "memory", tensors: tensors.map { name, dtype, shape, bytes in
            StoredTensor(info: try TensorInfo(name: name, dtype: dtype, shape: shape), source: MemoryTensorSource(bytes: bytes))
        })
        try FormatRegistry.standard.writer(for: path).writer.write(try StoreProducer(store: store), to: path, options: WriteOptions())
    }

    /// Every floating-point tensor of the checkpoint at `path`, decoded to Float64.
    static func values(_ path: String) throws -> [String: [Double]] {
        let store = try FormatRegistry.standard.open(path)
        var result: [String: [Double]] = [:]
        for tensor in store.tensors where tensor.info.dtype.isFloatingPoint {
            var values = [Double](repeating: 0, count: tensor.info.elementCount)
            try tensor.source.withBytes(in: 0..<tensor.info.byteCount) { bytes in
                values.withUnsafeMutableBufferPointer { ElementCodec.decode(bytes, dtype: tensor.info.dtype, into: $0) }
            }
            result[tensor.info.name] = values
        }
        return result
    }
}

/// What an evaluator was asked, in order, across threads.
final class CallLog: @unchecked Sendable {
    // @unchecked Sendable: every access holds the lock.
    private let lock = NSLock()
    private var entries: [String] = []

    func append(_ entry: String) {
        lock.withLock { entries.append(entry) }
    }

    var all: [String] { lock.withLock { entries } }
}

/// Scores a soup by which ingredients it holds: ingredient i of a test has a one-hot tensor
/// `member` (1 at i), so a soup's nonzero entries name its members. The score comes from `table`.
struct MembershipEvaluator: Evaluator {
    let table: @Sendable (Set<Int>) throws -> Double
    let log = CallLog()
    /// A folder where each scored file is copied (as `call-N.ext`), if any.
    var capture: String?

    func score(checkpointAt path: String) throws -> Double {
        let member = try Checkpoints.values(path)["member"]!
        let members = Set(member.indices.filter { member[$0] != 0 })
        if let capture {
            let copy = capture + "/call-\(log.all.count).\(path.split(separator: ".").last!)"
            try FileManager.default.copyItem(atPath: path, toPath: copy)
        }
        log.append(members.sorted().map(String.init).joined(separator: ","))
        return try table(members)
    }
}

/// The loss ½‖θ − t‖² summed over tensors, with gradient θ − t written in Float64.
struct QuadraticLoss: GradientEvaluator {
    let targets: [String: [Double]]
    /// Writes the gradient of this tensor with another shape (to test refusal).
    var misshapen: String?

    func lossAndGradient(checkpointAt path: String, gradientPath: String) throws -> Double {
        let values = try Checkpoints.values(path)
        var loss = 0.0
        var gradient: [(String, DType, [Int], [UInt8])] = []
        for (name, target) in targets.sorted(by: { $0.key < $1.key }) {
            let difference = zip(values[name]!, target).map { $0 - $1 }
            loss += difference.reduce(0) { $0 + $1 * $1 } / 2
            let shape = name == misshapen ? [difference.count + 1] : [difference.count]
            gradient.append((name, .f64, shape, TensorBytes.encode(difference + (name == misshapen ? [0] : []), as: .f64)))
        }
        try Checkpoints.write(gradientPath, gradient)
        return loss
    }
}
