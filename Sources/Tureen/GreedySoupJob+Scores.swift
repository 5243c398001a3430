#if canImport(Glibc)
import Glibc
#endif
import Foundation

extension GreedySoupJob {
    /// Reads individual scores computed elsewhere (`--scores`): a JSON object mapping ingredient
    /// paths to numbers, `{"a.safetensors": 0.91, "runs/b.npz": 0.89}`. A key matches an
    /// ingredient when it is the same text or names the same file; keys for other files are
    /// ignored.
    ///
    /// - Returns: the score of every ingredient, keyed by the ingredient as given.
    /// - Throws: `GreedySoupError.unreadableScores` or `.missingScores`.
    public static func loadScores(from path: String, ingredients: [String]) throws -> [String: Double] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GreedySoupError.unreadableScores(file: path, reason: "no such file or not readable")
        }
        let object: [String: Double]
        do {
            object = try JSONDecoder().decode([String: Double].self, from: data)
        } catch {
            throw GreedySoupError.unreadableScores(file: path, reason: "it is not a JSON object of numbers")
        }
        var byFile: [String: Double] = [:]
        for (key, value) in object {
            byFile[resolved(key)] = value
            byFile[key] = value
        }
        var scores: [String: Double] = [:]
        var missing: [String] = []
        for ingredient in ingredients {
            if let score = byFile[ingredient] ?? byFile[resolved(ingredient)] {
                scores[ingredient] = score
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
