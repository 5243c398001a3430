import ArgumentParser

/// The command line's bytes: Swift decodes each argument as UTF-8, replacing bytes that are not
/// with U+FFFD, so a path holding such bytes would name another file (an input "missing", an
/// output written, even replaced with `--force`, under another name). Such arguments are refused.
enum ArgumentEncoding {
    /// The first argument (after the program's name) that is not valid UTF-8, its bytes outside
    /// printable ASCII written as `\xNN`, and its position from 1; nil if all are valid.
    static func firstInvalidArgument() -> (position: Int, escaped: String)? {
        for position in CommandLine.arguments.indices.dropFirst() {
            guard let argument = CommandLine.unsafeArgv[position], String(validatingCString: argument) == nil else { continue }
            var escaped = ""
            var byte = UnsafeRawPointer(argument).assumingMemoryBound(to: UInt8.self)
            while byte.pointee != 0 {
                let printable = (0x20..<0x7F).contains(byte.pointee)
                escaped += printable ? String(UnicodeScalar(byte.pointee)) : "\\x" + (byte.pointee < 0x10 ? "0" : "") + String(byte.pointee, radix: 16)
                byte += 1
            }
            return (position, escaped)
        }
        return nil
    }

    /// Exits with the usage error code (64) if an argument is not valid UTF-8, naming it.
    static func refuseInvalidArguments() {
        guard let invalid = firstInvalidArgument() else { return }
        printToStandardError("tureen: error: argument \(invalid.position), '\(invalid.escaped)', is not valid UTF-8: Tureen names files by UTF-8 paths only; rename the file (or folder), or link to it under a UTF-8 name")
        TureenCommand.exit(withError: ExitCode.validationFailure)
    }
}
