import CHDF5
import TureenCore

/// Writes HDF5 files that h5py and Keras read: one dataset per tensor in groups taken from its
/// name (`HDF5Names`), metadata as root attributes.
///
/// Contiguous (the default): libhdf5 lays out the whole file first, every dataset allocated but
/// unwritten, into the output's temporary file; the file is closed, and the tensor bytes are then
/// streamed straight to each dataset's offset with positioned writes, never passing through
/// libhdf5. With `compress`, datasets are chunked with shuffle + deflate and written through
/// libhdf5 one window at a time. `layout: .keras` writes the Keras 3 `.weights.h5` layout.
public struct HDF5Writer: CheckpointWriter {
    /// gzip compression, and the Keras 3 layout.
    public var usedOptions: Set<WriteOptions.Choice> { [.compress, .layout] }

    /// A writer.
    public init() {}

    public func write(_ content: any TensorProducer, to path: String, options: WriteOptions) throws {
        let keras = options.layout == .keras
        let paths = try Self.datasetPaths(of: content.tensors, keras: keras, file: path)
        if !keras { try Self.checkMetadata(content.metadata, file: path) }
        let output = try OutputFile(destination: path)
        let offsets = try Self.layOut(
            content, at: paths, keras: keras, compress: options.compress, into: .file(path: output.temporaryPath), reportingAs: path)
        for (index, offset) in offsets.enumerated() {
            guard let offset else { continue }
            try Self.stream(content, tensorAt: index, path: path) { try output.write($0, at: offset + $1) }
        }
        try output.commit()
    }

    /// Writes `content` as a Keras 3 `.weights.h5` file to `sink`, front to back, for an output
    /// that cannot be seeked in (a member of a zip archive): `begin` is told the file's size
    /// first. libhdf5 lays the file out in memory (`HDF5MemoryImage`: its metadata only, with
    /// every dataset allocated but unwritten), then the file is streamed in address order, each
    /// dataset's bytes coming from the producer. Datasets are always contiguous.
    ///
    /// - Throws: `HDF5Error.notKerasLayout` for a tensor not named `….vars.<index>`,
    ///   `HDF5Error.unmappableName`, `HDF5Error.sharedPath`, `HDF5Error.library`, or the producer's and `sink`'s errors;
    ///   errors name `label`.
    package static func streamKerasWeights(
        _ content: any TensorProducer, label: String, begin: (_ size: Int) throws -> Void, sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let paths = try datasetPaths(of: content.tensors, keras: true, file: label)
        let image = HDF5MemoryImage()
        let offsets = try layOut(content, at: paths, keras: true, compress: false, into: .image(image), reportingAs: label)
        let ordered = offsets.enumerated().compactMap { index, offset in offset.map { (index: index, offset: $0) } }.sorted { $0.offset < $1.offset }
        try begin(image.size)
        var position = 0
        func metadata(upTo end: Int) throws {
            while position < end {
                let piece = image.bytes(in: position..<min(end, position + (1 << 20)))
                try piece.withUnsafeBytes { try sink($0) }
                position += piece.count
            }
        }
        for (index, offset) in ordered {
            try metadata(upTo: offset)
            try stream(content, tensorAt: index, path: label) { bytes, _ in try sink(bytes) }
            position = offset + content.tensors[index].byteCount
        }
        try metadata(upTo: image.size)
    }

    /// The dataset path of each tensor, checked: no NUL, a valid HDF5 path, a Keras 3 variable when `keras`.
    private static func datasetPaths(of tensors: [TensorInfo], keras: Bool, file: String) throws -> [[String]] {
        for info in tensors { try TensorName.checkHasNoNUL(info.name, path: file, format: "HDF5 link") }
        let paths = try HDF5Names.paths(for: tensors.map(\.name), file: file)
        if keras, let stray = zip(tensors, paths).first(where: { !isKerasVariable($0.1) }) {
            throw HDF5Error.notKerasLayout(path: file, tensor: stray.0.name)
        }
        return paths
    }

    /// Checks that every metadata entry can become a root attribute: libhdf5 takes the key and the
    /// value as C strings, which a NUL would cut short, and refuses an empty attribute name.
    private static func checkMetadata(_ metadata: [String: String], file: String) throws {
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            let problem = key.isEmpty ? "HDF5 attribute names cannot be empty"
                : key.utf8.contains(0) ? "its key holds a NUL character, which HDF5 attribute names cannot"
                : value.utf8.contains(0) ? "its value holds a NUL character, which HDF5 strings cannot (they end at the first NUL)"
                : nil
            if let problem { throw HDF5Error.unstorableMetadata(path: file, key: key, detail: problem) }
        }
    }

    /// Lays out the file at `destination` with libhdf5: groups, datasets (chunked ones written
    /// through libhdf5 here), metadata; returns each contiguous, non-empty dataset's offset, for
    /// the caller to write its bytes to.
    private static func layOut(
        _ content: any TensorProducer, at paths: [[String]], keras: Bool, compress: Bool, into destination: HDF5FileBuilder.Destination, reportingAs path: String
    ) throws -> [Int?] {
        var offsets: [Int?] = []
        try HDF5Library.locked {
            let builder = try HDF5FileBuilder(creating: destination, reportingAs: path)
            do {
                if keras { _ = try builder.group(at: ["vars"]) }
                for (index, info) in content.tensors.enumerated() {
                    let object = "/" + paths[index].joined(separator: "/")
                    let made = try builder.createDataset(info, at: paths[index], compressed: compress)
                    if let chunkShape = made.chunkShape {
                        try HDF5ChunkedStream.write(content, tensorAt: index, to: made.dataset, type: made.type, chunkShape: chunkShape, file: path, object: object)
                        offsets.append(nil)
                    } else if info.byteCount > 0 {
                        offsets.append(try offset(of: made.dataset, file: path, object: object))
                    } else {
                        offsets.append(nil)
                    }
                    // Now, checked: the last chunks reach the disk here, and a full disk is an error.
                    try builder.closeDataset(made.dataset, object: object)
                }
                if !keras { try builder.writeMetadata(content.metadata) }
                try builder.close()
            } catch {
                builder.abandon()
                throw error
            }
        }
        return offsets
    }

    /// Whether `components` is a Keras 3 variable path: `…/vars/<index>`.
    static func isKerasVariable(_ components: [String]) -> Bool {
        components.count >= 2 && components[components.count - 2] == "vars"
            && !components[components.count - 1].isEmpty && components[components.count - 1].allSatisfy(\.isASCIIDigit)
    }

    private static func offset(of dataset: HDF5Handle, file: String, object: String) throws -> Int {
        let offset = H5Dget_offset(dataset.id)
        guard offset != tureen_HADDR_UNDEF(), let value = CheckedArithmetic.int(UInt64(offset)) else {
            throw HDF5Error.library(path: file, object: object, operation: "allocate the dataset", detail: "it has no file address after early allocation")
        }
        return value
    }

    /// Streams one tensor's bytes to `sink` (with their offset inside the tensor), checking the
    /// producer delivers exactly its byte count.
    private static func stream(
        _ content: any TensorProducer, tensorAt index: Int, path: String, to sink: (UnsafeRawBufferPointer, Int) throws -> Void
    ) throws {
        let info = content.tensors[index]
        var produced = 0
        try content.produce(tensorAt: index) { chunk in
            let end = produced + chunk.count
            defer { produced = end }
            guard end <= info.byteCount else { return }
            try sink(chunk, produced)
        }
        guard produced == info.byteCount else {
            throw TensorStoreError.producerShortfall(path: path, tensor: info.name, expected: info.byteCount, actual: produced)
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
