import Foundation

extension DecodingError {
    /// What is wrong with the JSON, in a user's words: where (a key path such as `shards[0].name`)
    /// and what was expected, without Swift's debugging text.
    var reason: String {
        switch self {
        case let .dataCorrupted(context) where context.codingPath.isEmpty:
            return "it is not valid JSON"
        case let .dataCorrupted(context):
            return "'\(Self.keyPath(context.codingPath))' has a value that is not allowed"
        case let .keyNotFound(key, context):
            return "'\(Self.keyPath(context.codingPath + [key]))' is missing"
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            let key = context.codingPath.isEmpty ? "the document" : "'\(Self.keyPath(context.codingPath))'"
            return "\(key) is not \(Self.kind(of: type))"
        @unknown default:
            return "it is not of the expected form"
        }
    }

    private static func keyPath(_ path: [any CodingKey]) -> String {
        path.reduce("") { text, key in
            if let index = key.intValue { return text + "[\(index)]" }
            return text.isEmpty ? key.stringValue : text + "." + key.stringValue
        }
    }

    private static func kind(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Double.Type: "a number"
        case is any Collection.Type: "a list or an object"
        default: "of the expected kind"
        }
    }
}
