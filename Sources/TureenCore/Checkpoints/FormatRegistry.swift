import SystemPackage

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
    /// - Throws: `TensorStoreError.emptyPath`, `.cannotOpen` if the path does not exist, `.notARegularFile` for
    ///   anything but a file or folder (a FIFO or device would block or never end), `.unknownFolder`
    ///   or `.unknownFormat` if no format claims it.
    public func formatForReading(_ path: String) throws -> CheckpointFormat {
        guard !path.isEmpty else { throw TensorStoreError.emptyPath(isOutput: false) }
        let status: Stat
        do { status = try Stat(FilePath(path)) } catch { throw TensorStoreError.cannotOpen(path: path, errno: error) }
        if status.type == .directory {
            if let format = formats.first(where: { $0.recognizesDirectory?(path) ?? false }) { return format }
            throw TensorStoreError.unknownFolder(
                path: path, isEmpty: (try? FileSystem.contents(of: path))?.isEmpty ?? false,
                known: formats.filter { $0.recognizesDirectory != nil }.map(\.name.rawValue))
        }
        guard status.type == .regular else { throw TensorStoreError.notARegularFile(path: path) }
        let prefix = try Self.readPrefix(of: path)
        let byContent = formats.filter { $0.recognizesPrefix(prefix) }
        let byExtension = format(forExtensionOf: path)
        if let byExtension, byContent.contains(where: { $0.name == byExtension.name }) { return byExtension }
        if byContent.count == 1 { return byContent[0] }
        if let byExtension { return byExtension }
        throw TensorStoreError.unknownFormat(path: path, known: formatNames)
    }

    /// Opens `path` with the format that claims it, with `options`' prefix stripped and key
    /// selected whatever the format (`TensorStore.applying`).
    ///
    /// - Throws: the registry's errors, or the format reader's.
    public func open(_ path: String, options: ReadOptions = ReadOptions()) throws -> TensorStore {
        try formatForReading(path).reader.open(path, options: options).applying(options)
    }

    /// The writer for `path`, with its format: by extension, or the folder-writing format for a
    /// folder path (one that exists as a folder, ends in `/`, or has no extension).
    ///
    /// - Throws: `TensorStoreError.emptyPath`, `.outputIsSpecialFile` (a FIFO, device or socket
    ///   is no output, whatever its name), `.oneFileOutputEndsInSlash`, `.unknownOutputFormat` or
    ///   `.formatCannotWrite`.
    public func writer(for path: String) throws -> (format: CheckpointFormat, writer: any CheckpointWriter) {
        guard !path.isEmpty else { throw TensorStoreError.emptyPath(isOutput: true) }
        if let kind = SpecialFileKind(at: path) { throw TensorStoreError.outputIsSpecialFile(path: path, kind: kind) }
        let chosen: CheckpointFormat?
        if let byExtension = format(forExtensionOf: path) {
            // A path ending in "/" names a folder: refused only for a format that writes one file.
            guard !path.hasSuffix("/") || byExtension.writesDirectories else { throw TensorStoreError.oneFileOutputEndsInSlash(path: path) }
            chosen = byExtension
        } else if Self.looksLikeFolder(path) {
            chosen = formats.first(where: \.writesDirectories)
        } else {
            chosen = nil
        }
        guard let chosen else { throw TensorStoreError.unknownOutputFormat(path: path, extensions: writtenExtensions) }
        guard let writer = chosen.writer else { throw TensorStoreError.formatCannotWrite(path: path, format: chosen.name.rawValue) }
        return (chosen, writer)
    }

    /// Whether `writer(for:)` writes a folder at `path`: it ends in no format's extension, and is a
    /// folder, ends in `/` or has no extension.
    public func writesFolder(at path: String) -> Bool {
        !path.isEmpty && format(forExtensionOf: path) == nil && Self.looksLikeFolder(path)
    }

    /// The extension each format with a writer is written with (its shortest one), in registry order.
    public var writtenExtensions: [String] {
        formats.filter { $0.writer != nil }.compactMap { format in
            format.fileExtensions.filter { !$0.contains(".") }.min { $0.count < $1.count }
        }
    }

    /// The names of all registered formats.
    public var formatNames: [String] { formats.map(\.name.rawValue) }

    private func format(forExtensionOf path: String) -> CheckpointFormat? {
        let fileName = FilePath(path).lastComponent?.string.lowercased() ?? ""
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
        if let status = try? Stat(FilePath(path)) { return status.type == .directory }
        return FilePath(path).extension == nil
    }

    private static func readPrefix(of path: String) throws -> [UInt8] {
        do {
            // Non-blocking: the path may have been replaced by a FIFO since it was checked.
            let descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec, .nonBlocking])
            return try descriptor.closeAfter {
                var prefix = [UInt8](repeating: 0, count: 1024)
                let count = try prefix.withUnsafeMutableBytes { try descriptor.read(into: $0) }
                return Array(prefix.prefix(count))
            }
        } catch {
            throw TensorStoreError.cannotOpen(path: path, errno: error as? Errno ?? .ioError)
        }
    }
}
