#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SystemPackage
import TureenCore

/// Scores already computed, as JSON lines in the scratch folder, so `--resume` continues an
/// interrupted search without scoring anything twice. An entry is keyed by the evaluator, how
/// candidates are written, and the fingerprints of the ingredients in the soup, in order.
final class ScoreJournal {
    /// What a score depends on.
    struct Key: Codable, Hashable {
        /// `Evaluator.journalIdentity`.
        let evaluator: String
        /// How candidates are written: format, dtype, integer policy.
        let candidates: String
        /// The ingredients of the scored soup, in soup order.
        let fingerprints: [CheckpointFingerprint]
    }

    /// One line of the journal.
    private struct Entry: Codable {
        let key: Key
        /// The ingredients' paths, for a reader; not part of the key.
        let ingredients: [String]
        let score: Double
    }

    /// The journal file.
    let path: String
    private var scores: [Key: Double] = [:]

    /// Opens the journal at `path`: with `resume`, reads the scores in it (a last line cut short by
    /// an interrupt is skipped, and cut off the file so the next score starts a line of its own; a
    /// whole last line lacking only its newline is kept and the newline added); otherwise starts
    /// it, where no file or an empty one is.
    ///
    /// - Throws: `ScratchFolderError.earlierJournal` if a journal with content is there and `resume`
    ///   is false (the scores of an earlier run are never emptied unasked); `.notAJournal` if, with
    ///   `resume`, a line before the last is not a score; `TensorStoreError.cannotWrite` if the
    ///   journal cannot be written.
    init(path: String, resume: Bool) throws {
        self.path = path
        let newline = UInt8(ascii: "\n")
        let data = FileManager.default.contents(atPath: path)
        if let data, !data.isEmpty {
            guard resume else { throw ScratchFolderError.earlierJournal(path: path) }
            let decoder = JSONDecoder()
            let lines = data.split(separator: newline, omittingEmptySubsequences: false)
            var lastLineIsWhole = true
            for (number, line) in lines.enumerated() where !line.isEmpty {
                guard let entry = try? decoder.decode(Entry.self, from: Data(line)) else {
                    // Only the last line, written when the run was stopped, may be cut short.
                    guard number == lines.count - 1, line.first == UInt8(ascii: "{") else {
                        throw ScratchFolderError.notAJournal(path: path, line: number + 1)
                    }
                    lastLineIsWhole = false
                    continue
                }
                scores[entry.key] = entry.score
            }
            if data.last != newline {
                // A last line read whole lacks only its newline: it is completed, not cut.
                if lastLineIsWhole {
                    try Self.append([newline], to: path)
                } else {
                    try Self.cut(path, to: data.lastIndex(of: newline).map { data.distance(from: data.startIndex, to: $0) + 1 } ?? 0)
                }
            }
        } else if data == nil, (try? Stat(FilePath(path), followTargetSymlink: false)) != nil {
            throw ScratchFolderError.notAJournal(path: path, line: 1)
        } else {
            try Self.open(path).close()
        }
    }

    /// Cuts the journal at `path` to its first `length` bytes.
    private static func cut(_ path: String, to length: Int) throws {
        let descriptor = try open(path)
        defer { try? descriptor.close() }
        do {
            try descriptor.resize(to: Int64(length))
        } catch {
            throw TensorStoreError.cannotWrite(path: path, errno: error as? Errno ?? .ioError)
        }
    }

    /// The number of scores read or recorded.
    var count: Int { scores.count }

    /// Whether any recorded score is from a run with this evaluator and these candidate settings
    /// (`Key.evaluator`, `Key.candidates`), for whatever soup.
    func holdsScores(evaluator: String, candidates: String) -> Bool {
        scores.keys.contains { $0.evaluator == evaluator && $0.candidates == candidates }
    }

    /// The recorded score for `key`, if any.
    func score(for key: Key) -> Double? {
        scores[key]
    }

    /// Appends a score and syncs it to the disk.
    ///
    /// - Throws: `TensorStoreError.cannotWrite`.
    func record(_ score: Double, for key: Key, ingredients: [String]) throws {
        scores[key] = score
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(Entry(key: key, ingredients: ingredients, score: score))
        line.append(UInt8(ascii: "\n"))
        try Self.append(line, to: path)
    }

    /// Appends `bytes` to the journal at `path` and syncs it to the disk.
    ///
    /// - Throws: `TensorStoreError.cannotWrite`.
    private static func append(_ bytes: some Sequence<UInt8>, to path: String) throws {
        let descriptor = try open(path)
        defer { try? descriptor.close() }
        do {
            _ = try descriptor.writeAll(bytes)
        } catch {
            throw TensorStoreError.cannotWrite(path: path, errno: error as? Errno ?? .ioError)
        }
        guard fsync(descriptor.rawValue) == 0 else { throw TensorStoreError.cannotWrite(path: path, errno: .latest) }
    }

    /// Opens the journal for appending, creating it if needed.
    private static func open(_ path: String) throws -> FileDescriptor {
        do {
            return try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.append, .create, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw TensorStoreError.cannotWrite(path: path, errno: error as? Errno ?? .ioError)
        }
    }

    /// Deletes the journal (after a run that finished).
    func remove() {
        unlink(path)
    }
}
