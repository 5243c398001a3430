/// Parses sizes such as `5GB`, `500MB`, `2GiB` or `1000000` the way huggingface_hub does
/// (KB/MB/GB are powers of 10; KiB/MiB/GiB powers of 2).
package enum ByteSize {
    /// The number of bytes `text` stands for, or nil if it is not a positive size.
    package static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingWhitespace()
        let units: [(String, Int)] = [
            ("KIB", 1 << 10), ("MIB", 1 << 20), ("GIB", 1 << 30), ("TIB", 1 << 40),
            ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000), ("B", 1),
        ]
        let upper = trimmed.uppercased()
        for (suffix, factor) in units where upper.hasSuffix(suffix) {
            let number = upper.dropLast(suffix.count).trimmingWhitespace()
            guard let value = Double(number), value > 0, value * Double(factor) < 9e18 else { return nil }
            return Int(value * Double(factor))
        }
        guard let value = Int(upper), value > 0 else { return nil }
        return value
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
