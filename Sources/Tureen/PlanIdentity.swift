import Safetensors
import SystemPackage
import TureenCore

/// A partitioned run's plan id: a SHA-256 of everything that decides the output's bytes — Tureen's
/// version, the job and its recipe and options, the shard size, and the inputs (their headers,
/// and the size, modification time and a sample of the bytes of each file they were read from, so
/// that inputs with the same tensor names and shapes but other values are told apart, even when
/// copies gave them the same size and time). Every task of one run computes
/// the same id from the same command; a shard of another run is told apart. Settings that leave
/// the bytes alone (threads, the partition itself) are not part of it.
package struct PlanIdentity {
    private let digest = ContentDigest()

    /// Starts the id of a `job` (`soup`, `convert`, …) run by this version of Tureen.
    package init(job: String) {
        add("tureen \(TureenVersion.current)", job)
    }

    /// Adds settings, one field each.
    package func add(_ fields: String...) {
        for field in fields {
            // The length first, so that no two lists of fields feed the same bytes.
            digest.update("\(field.utf8.count):\(field)")
        }
    }

    /// Adds the inputs, in order.
    package func add(inputs: [TensorStore]) {
        for store in inputs {
            add("input", store.formatName.rawValue)
            for path in store.sourcePaths {
                guard let status = try? Stat(FilePath(path)), status.type == .regular else { continue }
                add("file", "\(status.size)", "\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)", Self.sample(of: path, size: Int(status.size)))
            }
            for (key, value) in store.metadata.sorted(by: { $0.key < $1.key }) { add("metadata", key, value) }
            for tensor in store.tensors { add("tensor", tensor.info.name, tensor.info.dtype.rawValue, "\(tensor.info.shape)") }
        }
    }

    /// Pieces of a file sampled into the id, spread evenly over it: few and small, since a task
    /// reads only its share of the inputs (16 KiB a file), yet two fine-tunes of one model differ in
    /// nearly every piece.
    private static let samplePieces = 16
    private static let samplePieceBytes = 1024

    /// The SHA-256 of `samplePieces` pieces of the file at `path`, or "unread" if it cannot be read.
    private static func sample(of path: String, size: Int) -> String {
        let piece = min(size, samplePieceBytes)
        let step = (size - piece) / (samplePieces - 1)
        let digest = ContentDigest()
        guard let file = try? MappedFile(path: path) else { return "unread" }
        for index in 0..<samplePieces {
            guard let bytes = try? file.bytes(in: (index * step)..<(index * step + piece)) else { return "unread" }
            bytes.withUnsafeBytes { digest.update($0) }
        }
        return digest.hexadecimal
    }

    /// Adds the output's write options (the shard size decides the shard plan).
    package func add(writeOptions: WriteOptions) {
        add("shard size", "\(writeOptions.maxShardSize ?? SafetensorsWriter.defaultShardSize)")
    }

    /// The id, 64 hexadecimal digits.
    package var id: String { digest.hexadecimal }
}
