import TureenCore
import Zip

/// Writes `.npz` archives that `np.load` reads: one `NAME.npy` member per tensor, stored by default
/// or deflated with `WriteOptions.compress`, streamed chunk by chunk. bf16 and float8 tensors are
/// written as ml_dtypes writes them (`<V2`, `<V1`) with a `tureen-dtype` header comment. Names that
/// `np.load` would not give back, or that would be extracted outside the archive's folder, are
/// refused before anything is written (`NpzMemberName`).
public struct NpzWriter: CheckpointWriter {
    /// deflate compression.
    public var usedOptions: Set<WriteOptions.Choice> { [.compress] }

    /// The first size or offset written with zip64 fields.
    let zip64Limit: Int

    /// A writer.
    public init() {
        zip64Limit = 0xFFFF_FFFF
    }

    /// A writer that uses zip64 fields from `zip64Limit` on, so tests can reach every zip64 path with small files.
    init(zip64Limit: Int) {
        self.zip64Limit = zip64Limit
    }

    public func write(_ content: any TensorProducer, to path: String, options: WriteOptions) throws {
        try NpzMemberName.check(content.tensors.map(\.name), path: path)
        let output = try OutputFile(destination: path)
        let archive = ZipArchiveWriter(output: output, zip64Limit: zip64Limit)
        for index in content.tensors.indices {
            let info = content.tensors[index]
            let header = NpyHeader.encode(info)
            try archive.beginMember(name: NpzMemberName.of(info.name), uncompressedSize: header.count + info.byteCount, compress: options.compress)
            try wrappingDeflateFailures(path: path, tensor: info.name) {
                try header.withUnsafeBytes { try archive.write($0) }
                try NpyWriter.stream(content, tensorAt: index, path: path) { try archive.write($0) }
                try archive.finishMember()
            }
        }
        try archive.finish()
        try output.commit()
    }

    private func wrappingDeflateFailures(path: String, tensor: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as Deflater.Failure {
            throw NumPyError.compressionFailed(path: path, tensor: tensor, detail: failure.detail)
        }
    }
}
