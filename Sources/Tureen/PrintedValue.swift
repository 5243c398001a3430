import Foundation
import TureenCore

/// Reads the value an evaluator command printed: its last non-empty line of stdout, either a
/// number or a JSON object holding the number under the key (`{"score": 0.91, "n": 500}`).
enum PrintedValue {
    /// What the value is: the key it has in a JSON line.
    enum Key: String {
        case score
        case loss
    }

    /// The outcome of reading stdout: the value, or what the last line was (nil if none).
    enum Reading: Equatable {
        case value(Double)
        case unreadable(lastLine: String?)
    }

    private struct ScoreLine: Decodable {
        let score: Double
    }

    private struct LossLine: Decodable {
        let loss: Double
    }

    static func read(_ standardOutput: [UInt8], key: Key) -> Reading {
        let text = String(decoding: standardOutput, as: UTF8.self)
        guard let line = text.split(whereSeparator: \.isNewline).last(where: { !$0.allSatisfy(\.isWhitespace) }) else {
            return .unreadable(lastLine: nil)
        }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if let number = Double(decimal: trimmed) { return .value(number) }
        guard trimmed.hasPrefix("{") else { return .unreadable(lastLine: trimmed) }
        let decoder = JSONDecoder()
        let data = Data(trimmed.utf8)
        let value: Double?
        switch key {
        case .score: value = (try? decoder.decode(ScoreLine.self, from: data))?.score
        case .loss: value = (try? decoder.decode(LossLine.self, from: data))?.loss
        }
        return value.map(Reading.value) ?? .unreadable(lastLine: trimmed)
    }
}
