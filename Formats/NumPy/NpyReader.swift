import SystemPackage
import TureenCore

/// Reads a `.npy` file as a store of one tensor named after the file (`weights.npy` → `weights`).
/// Little-endian C-order data is read from the file as it is.
public struct NpyReader: CheckpointReader {
    /// A reader.
    public init() {}

    public func open(_ path: String, options: ReadOptions) throws -> TensorStore {
        let file = try MappedFile(path: path)
        let name = Self.tensorName(forFile: path)
        let header = try file.withUnsafeBytes(in: 0..<min(file.count, NpyHeader.maximumPrefixLength)) { bytes in
            try NpyHeader.parse(bytes, name: name, path: path, member: "", assumedVoidTypes: options.assumedVoidTypes)
        }
        let available = file.count - header.dataOffset
        guard available == header.info.byteCount else {
            throw NumPyError.dataSizeMismatch(path: path, member: "", expected: header.info.byteCount, actual: available)
        }
        let stored = try MappedTensorSource(file: file, fileRange: header.dataOffset..<file.count)
        let tensor = StoredTensor(info: header.info, source: NpyDataSource.make(header: header, stored: stored))
        return try TensorStore(location: path, formatName: .npy, tensors: [tensor])
    }

    /// The file's name without its folder and its `.npy` ending.
    static func tensorName(forFile path: String) -> String {
        let fileName = FilePath(path).lastComponent?.string ?? path
        return fileName.lowercased().hasSuffix(".npy") ? String(fileName.dropLast(4)) : fileName
    }

    /// Whether `prefix` starts with the `.npy` magic string.
    static func recognizes(_ prefix: [UInt8]) -> Bool {
        prefix.starts(with: NpyHeader.magic)
    }
}
