import Tureen

/// Refuses a side output (plot, weights) that exists without --force or names an input or another
/// output, before any work is done.
func checkSideOutput(_ path: String?, force: Bool, inputs: [String], outputs: [String]) throws {
    guard let path else { return }
    try SideOutputPolicy.check(path, inputs: inputs, outputs: outputs, force: force)
}

/// Writes `text` to `path` atomically (a temporary file renamed into place).
func writeText(_ text: String, to path: String) throws {
    let file = try OutputFile(destination: path)
    try file.write(Array(text.utf8))
    try file.commit()
}
