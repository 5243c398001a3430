/// Collapses tensor names that differ only in their integer indices into one pattern, so a report
/// says `model.layers.{0..31}.mlp.up_proj.weight` once instead of 32 times.
///
/// A name is split into literal text and runs of decimal digits; runs with a leading zero (`007`)
/// or more than 18 digits stay literal. Names with the same literal text are one family; within a
/// family the index tuples are covered exactly by patterns such as `{0..4,6..31}.experts.{0..7}`.
package enum NumberedNameGrouping {
    /// One pattern and the names it stands for, in their original order.
    package struct Group<Key: Hashable>: Hashable {
        /// The pattern, e.g. `model.layers.{0..31}.mlp.up_proj.weight`.
        package let pattern: String
        /// The key the names were grouped under (a difference's detail, a rename rule, …).
        package let key: Key
        /// The names the pattern covers.
        package let names: [String]
    }

    /// Groups `names` into patterns, ordered by where their first name appears.
    package static func patterns(_ names: [String]) -> [String] {
        group(names.map { ($0, 0) }).map(\.pattern)
    }

    /// Groups items with the same key whose names differ only in integer indices, ordered by
    /// where each group's first item appears.
    package static func group<Key: Hashable>(_ items: [(name: String, key: Key)]) -> [Group<Key>] {
        var families: [FamilyKey<Key>: [Member]] = [:]
        var familyOrder: [FamilyKey<Key>] = []
        for (index, item) in items.enumerated() {
            let split = SplitName(item.name)
            let family = FamilyKey(literals: split.literals, key: item.key)
            if families[family] == nil { familyOrder.append(family) }
            families[family, default: []].append(Member(numbers: split.numbers, index: index, name: item.name))
        }
        var groups: [(first: Int, group: Group<Key>)] = []
        for family in familyOrder {
            let members = families[family] ?? []
            for cover in collapse(members, from: 0) {
                let pattern = render(literals: family.literals, sets: cover.sets)
                let names = cover.members.sorted { $0.index < $1.index }
                groups.append((names[0].index, Group(pattern: pattern, key: family.key, names: names.map(\.name))))
            }
        }
        return groups.sorted { $0.first < $1.first }.map(\.group)
    }

    private struct FamilyKey<Key: Hashable>: Hashable {
        let literals: [String]
        let key: Key
    }

    private struct Member {
        let numbers: [Int]
        let index: Int
        let name: String
    }

    private struct Cover {
        var sets: [[Int]]
        var members: [Member]
    }

    /// Covers `members` exactly with products of index sets for positions `from...`: partition by
    /// the index at `from`, cover each part's remaining positions, then merge the values whose
    /// remaining covers are identical.
    private static func collapse(_ members: [Member], from position: Int) -> [Cover] {
        guard let width = members.first?.numbers.count, position < width else {
            return [Cover(sets: [], members: members)]
        }
        var byValue: [Int: [Member]] = [:]
        for member in members { byValue[member.numbers[position], default: []].append(member) }
        var merged: [[[Int]]: Cover] = [:]
        var order: [[[Int]]] = []
        for value in byValue.keys.sorted() {
            for rest in collapse(byValue[value] ?? [], from: position + 1) {
                if merged[rest.sets] != nil {
                    // Mutated in place: a copy taken out of the dictionary would copy its lists on
                    // each append, quadratic in the names.
                    merged[rest.sets]!.sets[0].append(value)
                    merged[rest.sets]!.members += rest.members
                } else {
                    order.append(rest.sets)
                    merged[rest.sets] = Cover(sets: [[value]] + rest.sets, members: rest.members)
                }
            }
        }
        return order.compactMap { merged[$0] }
    }

    private static func render(literals: [String], sets: [[Int]]) -> String {
        var text = literals[0]
        for (position, values) in sets.enumerated() {
            text += values.count == 1 ? String(values[0]) : "{" + runs(values.sorted()) + "}"
            text += literals[position + 1]
        }
        return text
    }

    /// `[0, 1, 2, 3, 5, 7, 8]` → `0..3,5,7,8`.
    private static func runs(_ values: [Int]) -> String {
        var parts: [String] = []
        var start = 0
        while start < values.count {
            var end = start
            while end + 1 < values.count, values[end + 1] == values[end] + 1 { end += 1 }
            switch end - start {
            case 0: parts.append(String(values[start]))
            case 1: parts += [String(values[start]), String(values[end])]
            default: parts.append("\(values[start])..\(values[end])")
            }
            start = end + 1
        }
        return parts.joined(separator: ",")
    }
}

/// A name cut into literal text and the integer indices between it: `a.12.b` → `["a.", ".b"]`, `[12]`.
private struct SplitName {
    var literals: [String] = [""]
    var numbers: [Int] = []

    init(_ name: String) {
        var characters = Substring(name)
        while let first = characters.first {
            let digits = characters.prefix(while: { $0.isASCII && $0.isNumber })
            if !digits.isEmpty, digits.count <= 18, digits.count == 1 || digits.first != "0", let value = Int(digits) {
                numbers.append(value)
                literals.append("")
                characters = characters.dropFirst(digits.count)
            } else if !digits.isEmpty {
                literals[literals.count - 1] += digits
                characters = characters.dropFirst(digits.count)
            } else {
                literals[literals.count - 1].append(first)
                characters = characters.dropFirst()
            }
        }
    }
}
