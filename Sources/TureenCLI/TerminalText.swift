import TureenCore

/// Text for a terminal, with the control characters a checkpoint may carry in its tensor names or
/// metadata spelled out (`\u{1b}`, as `TensorName.escaped` spells them): raw, an escape sequence in
/// a stranger's file could clear the screen, retitle the window or hide a line of a report. Line
/// feeds and tabs, which the reports lay out with, are kept; JSON output is not passed through here
/// (JSON escapes them itself).
enum TerminalText {
    static func escaped(_ text: String) -> String {
        TensorName.escaped(text, keepingLayout: true)
    }
}
