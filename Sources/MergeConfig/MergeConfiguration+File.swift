import SystemPackage
import TureenCore

extension MergeConfiguration {
    /// The most bytes a configuration may hold: a mergekit configuration is a few kilobytes, and a
    /// checkpoint given in its place by mistake is refused rather than read whole.
    static let maximumBytes = 4 << 20

    /// Reads and checks the configuration at `path`.
    ///
    /// - Throws: `MergeConfigurationError`.
    public static func load(path: String) throws -> MergeConfiguration {
        try MergeConfiguration(yaml: try text(ofFileAt: path), path: path)
    }

    /// The UTF-8 text of the file at `path` (a file or a pipe; at most `maximumBytes`).
    private static func text(ofFileAt path: String) throws -> String {
        func refused(_ reason: String) -> MergeConfigurationError { .cannotRead(path: path, reason: reason) }
        if FileSystem.isDirectory(path) { throw refused("it is a folder; give the YAML file") }
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        } catch {
            throw refused("\(error)")
        }
        defer { try? file.close() }
        var bytes: [UInt8] = []
        var piece = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count: Int
            do {
                count = try piece.withUnsafeMutableBytes { try file.read(into: $0) }
            } catch {
                throw refused("\(error)")
            }
            guard count > 0 else { break }
            bytes += piece[0..<count]
            if bytes.count > maximumBytes { throw refused("it holds more than \(maximumBytes >> 20) MiB; a merge configuration is a small YAML file") }
        }
        // A byte-order mark (Windows editors write one) is no part of the YAML.
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
        guard let text = String(validating: body, as: UTF8.self) else { throw refused("it is not UTF-8 text") }
        return text
    }
}
