/// Text for a terminal, with the control characters a checkpoint may carry in its tensor names or
/// metadata escaped (`\u{1B}`): raw, an escape sequence in a stranger's file could clear the screen,
/// retitle the window or hide a line of a report. Line feeds and tabs, which the reports lay out
/// with, are kept; JSON output is not passed through here (JSON escapes them itself).
enum TerminalText {
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isEscaped) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isEscaped(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u{" + (hex.count < 2 ? "0" + hex : hex) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// C0 controls but line feed and tab, DEL, and the C1 controls.
    private static func isEscaped(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }
}
