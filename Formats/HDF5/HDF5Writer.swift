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
    /// A writer.
    public init() {}

    public func write(_ content: any TensorProducer, to path: String, options: WriteOptions) throws {
        let keras = options.layout == .keras
        let tensors = content.tensors
        for info in tensors { try TensorName.checkHasNoNUL(info.name, path: path, format: "HDF5 link") }
        let paths = try HDF5Names.paths(for: tensors.map(\.name), file: path)
        if keras, let stray = zip(tensors, paths).first(where: { !Self.isKerasVariable($0.1) }) {
            throw HDF5Error.notKerasLayout(path: path, tensor: stray.0.name)
        }
        let output = try OutputFile(destination: path)
        var offsets: [Int?] = []
        try HDF5Library.locked {
            let builder = try HDF5FileBuilder(creating: output.temporaryPath, reportingAs: path)
            do {
                if keras { _ = try builder.group(at: ["vars"]) }
                for (index, info) in tensors.enumerated() {
                    let object = "/" + paths[index].joined(separator: "/")
                    let made = try builder.createDataset(info, at: paths[index], compressed: options.compress)
                    if let chunkShape = made.chunkShape {
                        try HDF5ChunkedStream.write(content, tensorAt: index, to: made.dataset, type: made.type, chunkShape: chunkShape, file: path, object: object)
                        offsets.append(nil)
                    } else if info.byteCount > 0 {
                        offsets.append(try Self.offset(of: made.dataset, file: path, object: object))
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
        for (index, offset) in offsets.enumerated() {
            guard let offset else { continue }
            try Self.stream(content, tensorAt: index, to: output, at: offset)
        }
        try output.commit()
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

    /// Streams one tensor's bytes to `offset` in `output`, checking the producer delivers exactly its byte count.
    private static func stream(_ content: any TensorProducer, tensorAt index: Int, to output: OutputFile, at offset: Int) throws {
        let info = content.tensors[index]
        var produced = 0
        try content.produce(tensorAt: index) { chunk in
            let end = produced + chunk.count
            defer { produced = end }
            guard end <= info.byteCount else { return }
            try output.write(chunk, at: offset + produced)
        }
        guard produced == info.byteCount else {
            throw TensorStoreError.producerShortfall(path: output.destination, tensor: info.name, expected: info.byteCount, actual: produced)
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
