/// The numbered shard names of a folder read without an index (`PREFIX-0000K-of-0000N.safetensors`,
/// as huggingface_hub and Tureen name shards): the names say how many shards there are, so a
/// missing one is found rather than its tensors silently left out.
enum NumberedShardNames {
    /// One shard's name, taken apart.
    private struct Parts: Hashable {
        let prefix: String
        let numberWidth: Int
        let total: String

        /// The name of shard `number` of the same set.
        func name(ofShard number: Int) -> String {
            let digits = String(number)
            return "\(prefix)-\(String(repeating: "0", count: max(0, numberWidth - digits.count)))\(digits)-of-\(total).safetensors"
        }
    }

    /// The first shard a set of numbered names in `names` lacks, with the number the set's names
    /// give; nil if every set is complete (or no name is numbered).
    static func firstMissing(among names: [String]) -> (name: String, total: Int)? {
        var numbers: [Parts: Set<Int>] = [:]
        for name in names {
            guard let (parts, number) = parse(name) else { continue }
            numbers[parts, default: []].insert(number)
        }
        for (parts, present) in numbers.sorted(by: { $0.key.name(ofShard: 1) < $1.key.name(ofShard: 1) }) {
            guard let total = Int(parts.total) else { continue }
            // At most one more number than the shards present is looked at, however large `total` is.
            if let missing = (1...total).lazy.first(where: { !present.contains($0) }) { return (parts.name(ofShard: missing), total) }
        }
        return nil
    }

    /// `name`'s prefix, numbering and shard number, if it is `PREFIX-K-of-N.safetensors` with
    /// decimal K and N, 1 ≤ K ≤ N.
    private static func parse(_ name: String) -> (Parts, Int)? {
        let suffix = ".safetensors"
        guard name.hasSuffix(suffix) else { return nil }
        let fields = name.dropLast(suffix.count).split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 4, fields[fields.count - 2] == "of" else { return nil }
        let (numberText, total) = (fields[fields.count - 3], fields[fields.count - 1])
        let isDecimal = { (text: Substring) in !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber } }
        guard isDecimal(total), isDecimal(numberText), let number = Int(numberText), let count = Int(total), (1...count).contains(number) else { return nil }
        let prefix = fields[..<(fields.count - 3)].joined(separator: "-")
        return (Parts(prefix: prefix, numberWidth: numberText.count, total: String(total)), number)
    }
}
