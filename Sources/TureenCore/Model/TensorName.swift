/// Tensor names as they are shown in messages and checked before writing.
package enum TensorName {
    /// `name` with control characters escaped (`\0`, `\n`, `\t`, `\u{1b}`, …) and backslashes
    /// doubled, so a message shows the whole name and a terminal shows nothing the name hides.
    package static func escaped(_ name: String) -> String {
        escaped(name, keepingLayout: false)
    }

    /// `text` with its control characters spelled out as in `escaped(_:)`; with `keepingLayout`,
    /// line feeds, tabs and backslashes are left as they are (for whole messages and reports,
    /// which lay out with them, and may quote an escaped name already).
    package static func escaped(_ text: String, keepingLayout: Bool) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where keepingLayout, "\t" where keepingLayout, "\\" where keepingLayout: result.unicodeScalars.append(scalar)
            case "\0": result += "\\0"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case "\\": result += "\\\\"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// Throws if a tensor name holds a NUL, which formats that store names as C strings (HDF5
    /// link names, zip member names) would cut short: two names could become one, or a name vanish.
    ///
    /// - Throws: `TensorStoreError.unstorableName`.
    package static func checkHasNoNUL(_ name: String, path: String, format: String) throws {
        if name.utf8.contains(0) {
            throw TensorStoreError.unstorableName(path: path, tensor: name, detail: "it holds a NUL character, which \(format) names cannot")
        }
    }
}
