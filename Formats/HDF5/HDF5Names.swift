/// How HDF5 object paths and tensor names map onto each other (see Docs/hdf5.md).
///
/// Reading: a dataset's path components are joined with `.`: `/model/layers.0/weight` becomes
/// `model.layers.0.weight`. Writing: a name is split into groups at each `.` or `/` that has text on
/// both sides, except where the text before it is itself a tensor's name (a dataset cannot also be
/// a group): `model.layers.0.weight` becomes `/model/layers/0/weight`, and beside a tensor `a.b`, the
/// tensor `a.b.c` becomes `/a/b.c`. Reading that back joins to the same names, so a round trip
/// keeps every name that has no `/` (a `/` comes back as `.`).
package enum HDF5Names {
    /// The tensor name for a dataset at `components` (the path without its leading `/`).
    package static func tensorName(forPath components: [String]) -> String {
        components.joined(separator: ".")
    }

    /// The path components for each of `names`, in the same order.
    ///
    /// - Throws: `HDF5Error.unmappableName` for a name that is empty or would leave a `/` inside a
    ///   link name, `HDF5Error.sharedPath` for two names that need one path; `file` names the
    ///   output in the error.
    package static func paths(for names: [String], file: String) throws -> [[String]] {
        let tensorNames = Set(names)
        let paths = try names.map { name in
            let components = split(name, keepingWhole: tensorNames)
            guard !name.isEmpty, components.allSatisfy({ !$0.contains("/") && $0 != "." && $0 != ".." }) else {
                throw HDF5Error.unmappableName(path: file, tensor: name, detail: "HDF5 link names cannot be empty, '.', or contain '/' (here between empty parts or after another tensor's name)")
            }
            return components
        }
        try checkNoSharedPaths(paths, of: names, file: file)
        return paths
    }

    /// Throws if two names map to one dataset path (`enc.w` and `enc/w`: `.` and `/` both separate
    /// groups), or one name's dataset stands where another's path needs a group (`a.b` beside
    /// `a/b/c`, which is split at every separator since no tensor is named `a/b`), which libhdf5
    /// would refuse only halfway through writing.
    private static func checkNoSharedPaths(_ paths: [[String]], of names: [String], file: String) throws {
        var datasets: [[String]: Int] = [:]
        for (index, path) in paths.enumerated() {
            if let first = datasets[path] {
                throw HDF5Error.sharedPath(path: file, tensor: names[first], other: names[index], object: "/" + path.joined(separator: "/"), asGroup: false)
            }
            datasets[path] = index
        }
        for (index, path) in paths.enumerated() {
            for length in 1..<path.count {
                let group = Array(path.prefix(length))
                if let dataset = datasets[group] {
                    throw HDF5Error.sharedPath(path: file, tensor: names[dataset], other: names[index], object: "/" + group.joined(separator: "/"), asGroup: true)
                }
            }
        }
    }

    private static func split(_ name: String, keepingWhole tensorNames: Set<String>) -> [String] {
        let characters = Array(name)
        var components: [String] = []
        var current = ""
        var prefix = ""
        for (index, character) in characters.enumerated() {
            let isSeparator = character == "." || character == "/"
            let nextIsText = index + 1 < characters.count && characters[index + 1] != "." && characters[index + 1] != "/"
            if isSeparator, !current.isEmpty, nextIsText, !tensorNames.contains(prefix) {
                components.append(current)
                current = ""
            } else {
                current.append(character)
            }
            prefix.append(character)
        }
        components.append(current)
        return components
    }
}
