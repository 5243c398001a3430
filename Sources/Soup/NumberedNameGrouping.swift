/// Folds lines whose tensor names differ only in one integer (a layer index) and whose details are
/// equal: `model.layers.{0..31}.mlp.up_proj.weight: shape …`.
enum NumberedNameGrouping {
    struct Group {
        let names: String
        let detail: String
    }

    static func group(_ lines: [(name: String, detail: String)]) -> [Group] {
        var order: [String] = []
        var numbers: [String: [Int]] = [:]
        var details: [String: (prefix: String, suffix: String, detail: String)] = [:]
        var groups: [Group] = []
        for line in lines {
            guard let (prefix, number, suffix) = splitFirstNumber(line.name) else {
                groups.append(Group(names: line.name, detail: line.detail))
                continue
            }
            let key = prefix + "\u{0}" + suffix + "\u{0}" + line.detail
            if numbers[key] == nil {
                order.append(key)
                details[key] = (prefix, suffix, line.detail)
            }
            numbers[key, default: []].append(number)
        }
        for key in order {
            let (prefix, suffix, detail) = details[key]!
            let values = numbers[key]!.sorted()
            let label = values.count == 1 ? "\(values[0])" : "{" + ranges(values) + "}"
            groups.append(Group(names: prefix + label + suffix, detail: detail))
        }
        return groups
    }

    private static func splitFirstNumber(_ name: String) -> (String, Int, String)? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard let index = parts.firstIndex(where: { !$0.isEmpty && $0.allSatisfy(\.isNumber) && $0.count < 10 }),
              let number = Int(parts[index]) else { return nil }
        let prefix = parts[..<index].map { $0 + "." }.joined()
        let suffix = parts[(index + 1)...].map { "." + $0 }.joined()
        return (prefix, number, suffix)
    }

    private static func ranges(_ sorted: [Int]) -> String {
        var pieces: [String] = []
        var start = sorted[0], end = sorted[0]
        for value in sorted.dropFirst() {
            if value == end + 1 {
                end = value
                continue
            }
            pieces.append(start == end ? "\(start)" : "\(start)..\(end)")
            start = value
            end = value
        }
        pieces.append(start == end ? "\(start)" : "\(start)..\(end)")
        return pieces.joined(separator: ",")
    }
}
