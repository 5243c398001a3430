#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks a checkpoint format for a path: by its first bytes when they are decisive, else by its
/// extension; folders go to the formats that read folders.
public struct FormatRegistry: Sendable {
    /// The formats in the order they are tried.
    public let formats: [CheckpointFormat]

    /// A registry of `formats`.
    public init(formats: [CheckpointFormat]) {
        self.formats = formats
    }

    /// The format to read `path` with.
    ///
    /// - Throws: `TensorStoreError.cannotOpen` if the path does not exist, `.unknownFormat` if no format claims it.
    public func formatForReading(_ path: String) throws -> CheckpointFormat {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw TensorStoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            if let format = formats.first(where: { $0.recognizesDirectory?(path) ?? false }) { return format }
            throw TensorStoreError.unknownFormat(path: path, known: formatNames)
        }
        let prefix = try Self.readPrefix(of: path)
        let byContent = formats.filter { $0.recognizesPrefix(prefix) }
        let byExtension = format(forExtensionOf: path)
        if let byExtension, byContent.contains(where: { $0.name == byExtension.name }) { return byExtension }
        if byContent.count == 1 { return byContent[0] }
        if let byExtension { return byExtension }
        throw TensorStoreError.unknownFormat(path: path, known: formatNames)
    }

    /// Opens `path` with the format that claims it.
    ///
    /// - Throws: the registry's errors, or the format reader's.
    public func open(_ path: String, options: ReadOptions = ReadOptions()) throws -> TensorStore {
        try formatForReading(path).reader.open(path, options: options)
    }

    /// The writer for `path`, with its format: by extension, or the folder-writing format for a
    /// folder path (one that exists as a folder, ends in `/`, or has no extension).
    ///
    /// - Throws: `TensorStoreError.unknownFormat` or `.formatCannotWrite`.
    public func writer(for path: String) throws -> (format: CheckpointFormat, writer: any CheckpointWriter) {
        let chosen: CheckpointFormat?
        if let byExtension = format(forExtensionOf: path) {
            chosen = byExtension
        } else if Self.looksLikeFolder(path) {
            chosen = formats.first(where: \.writesDirectories)
        } else {
            chosen = nil
        }
        guard let chosen else { throw TensorStoreError.unknownFormat(path: path, known: formatNames) }
        guard let writer = chosen.writer else { throw TensorStoreError.formatCannotWrite(path: path, format: chosen.name.rawValue) }
        return (chosen, writer)
    }

    /// The names of all registered formats.
    public var formatNames: [String] { formats.map(\.name.rawValue) }

    private func format(forExtensionOf path: String) -> CheckpointFormat? {
        let fileName = path.split(separator: "/").last.map(String.init)?.lowercased() ?? ""
        var best: (format: CheckpointFormat, length: Int)?
        for format in formats {
            for ext in format.fileExtensions where fileName.hasSuffix("." + ext) {
                if ext.count > (best?.length ?? 0) { best = (format, ext.count) }
            }
        }
        return best?.format
    }

    private static func looksLikeFolder(_ path: String) -> Bool {
        if path.hasSuffix("/") { return true }
        var status = stat()
        if stat(path, &status) == 0 { return (status.st_mode & S_IFMT) == S_IFDIR }
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        return !fileName.contains(".")
    }

    private static func readPrefix(of path: String) throws -> [UInt8] {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw TensorStoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var prefix = [UInt8](repeating: 0, count: 1024)
        let count = prefix.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        return Array(prefix.prefix(max(count, 0)))
    }
}
