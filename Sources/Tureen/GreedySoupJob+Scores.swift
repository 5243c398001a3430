#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Safetensors
import TureenCore

extension GreedySoupJob {
    /// Reads individual scores computed elsewhere (`--scores`): a JSON object mapping ingredient
    /// paths to numbers, `{"a.safetensors": 0.91, "runs/b.npz": 0.89}`. A key matches an
    /// ingredient when it is the same text or names the same file; keys for other files are
    /// ignored. Two different scores for one file (a repeated key, or two spellings of its path)
    /// are refused.
    ///
    /// - Returns: the score of every ingredient, keyed by the ingredient as given.
    /// - Throws: `GreedySoupError.unreadableScores` or `.missingScores`.
    public static func loadScores(from path: String, ingredients: [String]) throws -> [String: Double] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GreedySoupError.unreadableScores(file: path, reason: "no such file or not readable")
        }
        // Safetensors' parser keeps an object's members in order, repeated keys included.
        guard case let .object(members)? = try? data.withUnsafeBytes({ try JSONParser.parse($0) }) else {
            throw GreedySoupError.unreadableScores(file: path, reason: "it is not a JSON object of numbers")
        }
        var byFile: [String: (key: String, score: Double)] = [:]
        for (key, value) in members {
            guard case let .number(text) = value, let score = Double(decimal: text), score.isFinite else {
                throw GreedySoupError.unreadableScores(file: path, reason: "the value of '\(key)' is not a finite number")
            }
            for name in Set([key, resolved(key)]) {
                if let earlier = byFile[name], earlier.score != score {
                    throw GreedySoupError.unreadableScores(
                        file: path, reason: "'\(earlier.key)' and '\(key)' give one file two scores, \(earlier.score) and \(score)")
                }
                byFile[name] = (key, score)
            }
        }
        var scores: [String: Double] = [:]
        var missing: [String] = []
        for ingredient in ingredients {
            if let score = byFile[ingredient] ?? byFile[resolved(ingredient)] {
                scores[ingredient] = score.score
            } else {
                missing.append(ingredient)
            }
        }
        guard missing.isEmpty else { throw GreedySoupError.missingScores(file: path, ingredients: missing) }
        return scores
    }

    /// The canonical path of `path`, or `path` itself when it does not exist.
    private static func resolved(_ path: String) -> String {
        guard let pointer = realpath(path, nil) else { return path }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
