import Foundation
import Soup
import TureenCore

/// Mixing weights as a learned soup saves them (`--weights-out`) and `tureen soup weighted
/// --weights-file` reads them:
///
/// ```json
/// {"by": "tensor", "ingredients": ["a.safetensors", "b.npz"],
///  "weights": [0.6, 0.4], "tensors": {"model.norm.weight": [0.7, 0.3], …}}
/// ```
///
/// `weights` applies to every tensor not listed under `tensors`. With `"by": "model"` there is no
/// `tensors`; with `"by": "tensor"` every floating-point tensor is listed, and `weights` holds
/// their mean, for reading. Weights are used as given and divided by their sum, as
/// `tureen soup weighted` does, so the soup is reproduced bit for bit.
public struct LearnedWeights: Sendable, Codable, Equatable {
    /// Whether the weights are one set for the model or one per tensor.
    public enum Granularity: String, Sendable, Codable, CaseIterable {
        case tensor
        case model
    }

    public let by: Granularity
    /// The ingredients the weights belong to, in order.
    public let ingredients: [String]
    /// One weight per ingredient, for tensors not listed in `tensors`.
    public let weights: [Double]
    /// Per-tensor weights, by tensor name.
    public let tensors: [String: [Double]]?

    /// Weights for `ingredients`.
    public init(by: Granularity, ingredients: [String], weights: [Double], tensors: [String: [Double]]?) {
        self.by = by
        self.ingredients = ingredients
        self.weights = weights
        self.tensors = tensors
    }

    /// The soup recipes: the default one and one per listed tensor, each dividing by its weights'
    /// sum unless `normalize` is off, and relative to a base when `baseRelative` is given.
    ///
    /// - Throws: `SoupError.weightCountMismatch` or `TensorRecipeError.weightCount` when a row does
    ///   not have one weight per ingredient; `SoupError.invalidWeights` (non-finite weights, a zero sum).
    public func recipes(normalize: Bool = true, baseRelative: SoupRecipe.BaseRelative? = nil) throws -> (default: SoupRecipe, tensors: [String: SoupRecipe]) {
        guard weights.count == ingredients.count else {
            throw SoupError.weightCountMismatch(weights: weights.count, ingredients: ingredients.count)
        }
        var perTensor: [String: SoupRecipe] = [:]
        for (name, tensorWeights) in (tensors ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard tensorWeights.count == ingredients.count else {
                throw TensorRecipeError.weightCount(tensor: name, weights: tensorWeights.count, ingredients: ingredients.count)
            }
            perTensor[name] = try SoupRecipe.weighted(tensorWeights, normalize: normalize, baseRelative: baseRelative)
        }
        return (try SoupRecipe.weighted(weights, normalize: normalize, baseRelative: baseRelative), perTensor)
    }

    /// Why a weights file cannot be read.
    public enum FileError: Error, CustomStringConvertible, Equatable {
        /// The file does not exist or cannot be read.
        case unreadable(path: String)
        /// The file is not weights JSON; `detail` says where it differs.
        case invalid(path: String, detail: String)
        /// The weights belong to other ingredients (`listed`) than the soup was given.
        case otherIngredients(path: String, listed: [String], given: [String])

        public var description: String {
            switch self {
            case let .unreadable(path):
                return "\(path): cannot read the weights file (it does not exist or is not readable)"
            case let .invalid(path, detail):
                return "\(path): not a weights file (JSON with \"by\", \"ingredients\", \"weights\" and optionally \"tensors\"): \(detail)"
            case let .otherIngredients(path, listed, given):
                return "\(path) holds the weights of \(listed.joined(separator: ", ")), but the soup was given \(given.joined(separator: ", ")); "
                    + "each weight belongs to its own ingredient: give those files (in any order)"
            }
        }
    }

    /// Reads weights saved as JSON.
    ///
    /// - Throws: `FileError`.
    public static func load(from path: String) throws -> LearnedWeights {
        guard let data = FileManager.default.contents(atPath: path) else { throw FileError.unreadable(path: path) }
        do {
            return try JSONDecoder().decode(LearnedWeights.self, from: data)
        } catch let error as DecodingError {
            throw FileError.invalid(path: path, detail: error.reason)
        }
    }

    /// The weights as pretty-printed JSON with sorted keys.
    public func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [UInt8(ascii: "\n")]
    }

    /// Writes the JSON atomically to `path` (a temporary file renamed into place).
    ///
    /// - Throws: `TensorStoreError.cannotWrite`.
    public func write(to path: String) throws {
        let file = try OutputFile(destination: path)
        try file.write(try json())
        try file.commit()
    }
}
