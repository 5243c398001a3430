import Foundation

/// Reads the value an evaluator command printed: its last non-empty line of stdout, either a
/// number or a JSON object holding the number under a key (`{"score": 0.91, "loss": 0.3}`).
enum PrintedValue {
    /// The outcome of reading stdout: the value, or what the last line was (nil if none).
    enum Reading: Equatable {
        case value(Double)
        case unreadable(lastLine: String?)
    }

    static func read(_ standardOutput: [UInt8], key: String) -> Reading {
        let text = String(decoding: standardOutput, as: UTF8.self)
        guard let line = text.split(whereSeparator: \.isNewline).last(where: { !$0.allSatisfy(\.isWhitespace) }) else {
            return .unreadable(lastLine: nil)
        }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if let number = Double(trimmed) { return .value(number) }
        guard trimmed.hasPrefix("{"),
              let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8), options: [.fragmentsAllowed]) as? [String: Any],
              let number = object[key] as? NSNumber, !(object[key] is Bool) else {
            return .unreadable(lastLine: trimmed)
        }
        return .value(number.doubleValue)
    }
}
