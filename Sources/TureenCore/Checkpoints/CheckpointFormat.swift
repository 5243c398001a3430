/// Options that affect how checkpoints are read.
public struct ReadOptions: Sendable {
    /// The dtypes to assume for untyped void data that carries no record of its true dtype, each
    /// for the data of its width: bf16 for 2-byte data (NumPy `'<V2'`), a float8 for 1-byte data
    /// (`'<V1'`), so one file can hold both. Where two share a width the first applies; data of a
    /// width none has is refused with an error.
    public var assumedVoidTypes: [DType]
    /// Keep only this subtree of a nested checkpoint (a key or dotted path: `state_dict`, `model`).
    public var selectedKey: String?
    /// Remove this prefix from tensor names that start with it (`module.`, `model.`).
    public var strippedPrefix: String?

    /// Options with every choice left at its default.
    public init(assumedVoidTypes: [DType] = [], selectedKey: String? = nil, strippedPrefix: String? = nil) {
        self.assumedVoidTypes = assumedVoidTypes
        self.selectedKey = selectedKey
        self.strippedPrefix = strippedPrefix
    }

    /// The dtype assumed for untyped void data of `byteWidth` bytes, if one was given.
    public func assumedVoidType(byteWidth: Int) -> DType? {
        assumedVoidTypes.first { $0.byteWidth == byteWidth }
    }
}

/// Options that affect how checkpoints are written. A format ignores the options it has no use for.
public struct WriteOptions: Sendable {
    /// Split output into shards of at most this many bytes (formats that shard: safetensors).
    public var maxShardSize: Int?
    /// Compress tensor data (npz deflate, HDF5 gzip).
    public var compress: Bool
    /// A layout other than the format's plain one; formats without that layout ignore it.
    public var layout: Layout?

    /// An arrangement of tensors that a format can write instead of its plain one.
    public enum Layout: String, Sendable, CaseIterable {
        /// Keras 3 `.weights.h5` (HDF5): tensors under `vars` groups, named as Keras 3 saves them.
        case keras
    }

    /// One of the choices above.
    public enum Choice: String, Sendable, CaseIterable {
        case maxShardSize, compress, layout
    }

    /// Options with every choice left at its default.
    public init(maxShardSize: Int? = nil, compress: Bool = false, layout: Layout? = nil) {
        self.maxShardSize = maxShardSize
        self.compress = compress
        self.layout = layout
    }

    /// The choices made: those not left at their defaults.
    public var chosen: [Choice] {
        Choice.allCases.filter { choice in
            switch choice {
            case .maxShardSize: maxShardSize != nil
            case .compress: compress
            case .layout: layout != nil
            }
        }
    }
}

/// What a writer writes: a list of tensors and metadata, whose bytes it pulls one chunk at a time.
///
/// A converter, a cast or the soup engine is a producer; a writer decides the order in which it
/// asks for tensors and streams each to disk as it comes.
public protocol TensorProducer {
    /// The tensors to write, in their natural order.
    var tensors: [TensorInfo] { get }
    /// Checkpoint metadata to carry into the output where the format can hold it.
    var metadata: [String: String] { get }
    /// Streams the bytes of `tensors[index]` (C order, little-endian) to `sink` in chunks whose sizes
    /// are multiples of the element width and add up to the tensor's byte count.
    ///
    /// - Throws: errors from reading the inputs or from `sink`.
    func produce(tensorAt index: Int, into sink: (UnsafeRawBufferPointer) throws -> Void) throws
}

/// Reads one checkpoint format into a `TensorStore`.
public protocol CheckpointReader: Sendable {
    /// Opens the checkpoint at `path` read-only, parsing its layout but leaving tensor bytes on disk.
    ///
    /// - Throws: a format error naming the file, the tensor and what was expected.
    func open(_ path: String, options: ReadOptions) throws -> TensorStore
}

/// Writes one checkpoint format, streaming, into a temporary file that is renamed into place.
public protocol CheckpointWriter: Sendable {
    /// The write options this writer acts on. A job refuses a choice that is made and not among
    /// these, rather than leave it unheeded.
    var usedOptions: Set<WriteOptions.Choice> { get }

    /// Writes `content` to `path`. On error nothing is left at `path` (and an existing file there is untouched).
    ///
    /// - Throws: a format error naming the tensor that cannot be stored, or an I/O error.
    func write(_ content: any TensorProducer, to path: String, options: WriteOptions) throws
    /// Whether writing to `path` with `options` makes a folder rather than one file.
    func writesFolder(at path: String, options: WriteOptions) -> Bool
}

extension CheckpointWriter {
    /// One file, as most formats write.
    public func writesFolder(at path: String, options: WriteOptions) -> Bool { false }
}

/// A checkpoint format: how to recognise it, read it and (optionally) write it.
public struct CheckpointFormat: Sendable {
    /// A format's short name, e.g. `safetensors`: what the registry lists and a store reports.
    /// Each format module declares its own as a static member (`Name.safetensors`), as swift-system
    /// declares the values of `Errno`, so the core names no format.
    public struct Name: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        /// The name as printed.
        public let rawValue: String

        /// The name `rawValue`.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The name `value`.
        public init(stringLiteral value: String) {
            self.rawValue = value
        }

        public var description: String { rawValue }
    }

    /// The format's name.
    public let name: Name
    /// File name endings that select this format, lowercased without the leading dot, longest first
    /// where they overlap (`weights.h5` before `h5`).
    public let fileExtensions: [String]
    /// Whether the first bytes of a file (up to 1 KiB) are this format's.
    public let recognizesPrefix: @Sendable ([UInt8]) -> Bool
    /// Whether a folder (e.g. a sharded checkpoint) is this format's; nil when the format has no folder form.
    public let recognizesDirectory: (@Sendable (String) -> Bool)?
    /// The reader.
    public let reader: any CheckpointReader
    /// The writer, or nil for a read-only format.
    public let writer: (any CheckpointWriter)?
    /// Whether writing to a path that is a folder (or ends in `/`) produces this format.
    public let writesDirectories: Bool

    /// Describes a format.
    public init(
        name: Name,
        fileExtensions: [String],
        recognizesPrefix: @escaping @Sendable ([UInt8]) -> Bool,
        recognizesDirectory: (@Sendable (String) -> Bool)? = nil,
        reader: any CheckpointReader,
        writer: (any CheckpointWriter)?,
        writesDirectories: Bool = false
    ) {
        self.name = name
        self.fileExtensions = fileExtensions
        self.recognizesPrefix = recognizesPrefix
        self.recognizesDirectory = recognizesDirectory
        self.reader = reader
        self.writer = writer
        self.writesDirectories = writesDirectories
    }
}
