/// The numbered shard names of a folder (`PREFIX-0000K-of-0000N.safetensors`, as huggingface_hub
/// and Tureen name shards): the names say how many shards there are, so a shard missing from a
/// folder read without an index, or left out of an index, is found rather than its tensors
/// silently left out.
enum NumberedShardNames {
    /// What the names of one set of shards share: the prefix and the total as written.
    private struct Parts: Hashable {
        let prefix: String
        let total: String

        /// The name of shard `number` of the set, its number padded to `width` digits.
        func name(ofShard number: Int, width: Int) -> String {
            "\(prefix)-\(ShardedSafetensorsWriter.padded(number, width: width))-of-\(total).safetensors"
        }
    }

    /// The first shard a set of numbered names in `names` lacks, with the number the set's names
    /// give; nil if every set is complete (or no name is numbered).
    static func firstMissing(among names: [String]) -> (name: String, total: Int)? {
        // Each set's shard numbers, and the width of the first number written.
        var sets: [Parts: (numbers: Set<Int>, width: Int)] = [:]
        for name in names {
            guard let (parts, number, width) = parse(name) else { continue }
            sets[parts, default: ([], width)].numbers.insert(number)
        }
        for (parts, set) in sets.sorted(by: { ($0.key.prefix, $0.key.total) < ($1.key.prefix, $1.key.total) }) {
            guard let total = Int(parts.total) else { continue }
            // At most one more number than the shards present is looked at, however large `total` is.
            if let missing = (1...total).lazy.first(where: { !set.numbers.contains($0) }) {
                return (parts.name(ofShard: missing, width: set.width), total)
            }
        }
        return nil
    }

    /// The first of `names` (in name order) that is a numbered shard of a set some `listed` name
    /// belongs to, but is not listed: a shard an index leaves out.
    static func firstUnlisted(among names: [String], listed: Set<String>) -> String? {
        let listedSets = Set(listed.compactMap { parse($0)?.0 })
        return names.sorted().first { name in
            guard !listed.contains(name), let (parts, _, _) = parse(name) else { return false }
            return listedSets.contains(parts)
        }
    }

    /// `name`'s set, shard number and the number's width as written, if it is
    /// `PREFIX-K-of-N.safetensors` with decimal K and N, 1 ≤ K ≤ N.
    private static func parse(_ name: String) -> (Parts, number: Int, width: Int)? {
        let suffix = ".safetensors"
        guard name.hasSuffix(suffix) else { return nil }
        let fields = name.dropLast(suffix.count).split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 4, fields[fields.count - 2] == "of" else { return nil }
        let (numberText, total) = (fields[fields.count - 3], fields[fields.count - 1])
        let isDecimal = { (text: Substring) in !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber } }
        guard isDecimal(total), isDecimal(numberText), let number = Int(numberText), let count = Int(total), number >= 1, number <= count else { return nil }
        let prefix = fields[..<(fields.count - 3)].joined(separator: "-")
        return (Parts(prefix: prefix, total: String(total)), number, numberText.count)
    }
}
