extension Double {
    /// A number written in decimal (`0.5`, `-2`, `1e-3`, `nan`, `inf`), as a user writes a weight or
    /// an evaluator prints a score; nil for anything else, hexadecimal (`0x10`) included, which
    /// `Double(_:)` would read as such.
    package init?(decimal text: some StringProtocol) {
        guard !text.contains(where: { $0 == "x" || $0 == "X" }), let value = Double(text) else { return nil }
        self = value
    }
}
