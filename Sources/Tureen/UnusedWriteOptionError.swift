import TureenCore

/// A write option that the output's writer would not act on, refused before anything is written
/// (soups and merges: before any input is read; the CLI refuses it as a usage error) rather than
/// left unheeded (`--compress` for a safetensors output, a shard size for a single
/// file, a layout for a format with one).
public struct UnusedWriteOptionError: Error, Equatable, CustomStringConvertible {
    /// The output path.
    public let output: String
    /// What the output is written as: a format's name, `folderOfShards`, or "a model folder".
    public let writtenAs: String
    /// The option that would be ignored.
    public let option: WriteOptions.Choice

    /// How a folder of safetensors shards (sharded, partitioned or a model folder's weights) is named.
    static let folderOfShards = "a folder of safetensors shards"

    /// What `writer` (of `format`) writes at `output` with `options`: a folder of shards, not the
    /// format of its files, where it writes a folder.
    static func writtenAs(_ format: CheckpointFormat, _ writer: any CheckpointWriter, output: String, options: WriteOptions) -> String {
        writer.writesFolder(at: output, options: options) ? folderOfShards : format.name.rawValue
    }

    /// Refuses the first choice of `options` that a writer using only `used` would ignore.
    ///
    /// - Throws: `UnusedWriteOptionError`.
    static func check(_ options: WriteOptions, usedBy used: Set<WriteOptions.Choice>, output: String, writtenAs: String) throws {
        if let unused = first(in: options, unusedBy: used, output: output, writtenAs: writtenAs) { throw unused }
    }

    /// The refusal of the first choice of `options` that a writer using only `used` would ignore, if any.
    static func first(in options: WriteOptions, unusedBy used: Set<WriteOptions.Choice>, output: String, writtenAs: String) -> Self? {
        options.chosen.first { !used.contains($0) }.map { Self(output: output, writtenAs: writtenAs, option: $0) }
    }

    public var description: String {
        switch option {
        case .compress:
            "\(output) is written as \(writtenAs), which is not compressed; npz and HDF5 outputs are"
        case .maxShardSize:
            "\(output) is written as \(writtenAs) in one piece, not in shards; sharded safetensors (a folder or a .safetensors path) and model folders are"
        case .layout:
            "\(output) is written as \(writtenAs), which has one layout; the keras layout is for HDF5 (.h5) outputs"
        }
    }
}

extension FormatRegistry {
    /// Checks, before any input is read, that a format writes `output` and acts on every choice of
    /// `options` (a model folder or `.keras` output, whose writer depends on the inputs, uses the
    /// same options as the registry's writer for that path).
    ///
    /// - Throws: the registry's errors; `UnusedWriteOptionError`.
    package func checkWriter(for output: String, options: WriteOptions) throws {
        _ = try writer(for: output)
        if let unused = unusedWriteOption(for: output, options: options) { throw unused }
    }

    /// The first choice of `options` that the writer for `output` would not act on; nil when it acts
    /// on all of them, or when no format writes `output` (which `writer(for:)` reports).
    package func unusedWriteOption(for output: String, options: WriteOptions) -> UnusedWriteOptionError? {
        guard let (format, writer) = try? writer(for: output) else { return nil }
        let writtenAs = UnusedWriteOptionError.writtenAs(format, writer, output: output, options: options)
        return UnusedWriteOptionError.first(in: options, unusedBy: writer.usedOptions, output: output, writtenAs: writtenAs)
    }
}
