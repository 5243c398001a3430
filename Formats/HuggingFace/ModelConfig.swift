import Safetensors
import TureenCore

/// A model folder's `config.json`: its bytes as read (to copy them unchanged) and its members.
package struct ModelConfig {
    /// Keys that may differ between fine-tunes of one model, at any depth: where the model was
    /// loaded from, the library version that saved it, and dtypes (which `--dtype` changes).
    package static let keysAllowedToDiffer: Set<String> = [
        "_name_or_path", "_commit_hash", "transformers_version", "torch_dtype", "dtype", "_attn_implementation_autoset",
    ]
    /// The largest configuration read: real ones are kilobytes (a label map of 20 k classes about 1 MB).
    static let maximumSize = 64 << 20

    /// Where it was read from.
    package let path: String
    /// The file's bytes.
    package let bytes: [UInt8]
    let members: [(key: String, value: JSONValue)]

    /// Reads and parses the configuration at `path`.
    ///
    /// - Throws: `HuggingFaceError.badConfig`, or the core's errors if it cannot be read.
    package init(path: String) throws {
        let file = try MappedFile(path: path)
        guard file.count <= Self.maximumSize else {
            throw HuggingFaceError.badConfig(path: path, detail: "it is \(file.count) bytes, more than the \(Self.maximumSize)-byte limit")
        }
        let bytes = try file.bytes(in: 0..<file.count)
        let root: JSONValue
        do { root = try JSONParser.parse(bytes) } catch let failure as JSONParser.Failure {
            throw HuggingFaceError.badConfig(path: path, detail: failure.description)
        }
        guard case let .object(members) = root else {
            throw HuggingFaceError.badConfig(path: path, detail: "it holds \(root.kindName), not an object")
        }
        self.path = path
        self.bytes = bytes
        self.members = members
    }

    /// The dotted keys whose values differ between this configuration and `other` (present in
    /// one only, or unequal), leaving out `keysAllowedToDiffer`.
    package func differences(from other: ModelConfig) -> [String] {
        Self.differences(members, other.members, prefix: "")
    }

    private static func differences(_ reference: [(key: String, value: JSONValue)], _ other: [(key: String, value: JSONValue)], prefix: String) -> [String] {
        let referenceValues = Dictionary(reference.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        let otherValues = Dictionary(other.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        var keys = reference.map(\.key)
        keys += other.map(\.key).filter { referenceValues[$0] == nil }
        var seen = Set<String>()
        return keys.filter { seen.insert($0).inserted && !keysAllowedToDiffer.contains($0) }.flatMap { key -> [String] in
            switch (referenceValues[key], otherValues[key]) {
            case let (.object(left)?, .object(right)?):
                return differences(left, right, prefix: prefix + key + ".")
            case let (left?, right?) where equal(left, right):
                return []
            default:
                return [prefix + key]
            }
        }
    }

    /// Equal values; numbers by value, so `1e-05` and `1e-5` agree.
    private static func equal(_ left: JSONValue, _ right: JSONValue) -> Bool {
        switch (left, right) {
        case let (.number(a), .number(b)): return a == b || (Double(a) != nil && Double(a) == Double(b))
        case let (.array(a), .array(b)): return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case let (.object(a), .object(b)): return differences(a, b, prefix: "").isEmpty
        default: return left == right
        }
    }
}
