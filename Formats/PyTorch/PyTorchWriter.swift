import TureenCore
import Zip

/// Writes `.pt`/`.pth`/`.bin` files in torch's zip format, so `torch.load(path, weights_only=True)`
/// (with or without `mmap=True`) returns the tensors as a state dict: `archive/data.pkl`, `byteorder`,
/// one stored, 64-byte-aligned `data/<i>` record per tensor, streamed, then `version`. There is no
/// `.format_version`: with it torch computes storage offsets assuming miniz's exact layout instead
/// of reading them. Never writes the legacy format.
public struct PyTorchWriter: CheckpointWriter {
    /// None: one uncompressed file, one layout.
    public var usedOptions: Set<WriteOptions.Choice> { [] }

    /// A writer.
    public init() {}

    public func write(_ content: any TensorProducer, to path: String, options: WriteOptions) throws {
        let pickle = StateDictPickle(content.tensors)
        let output = try OutputFile(destination: path)
        let archive = ZipArchiveWriter(output: output, dataAlignment: 64)
        func member(_ name: String, _ bytes: [UInt8]) throws {
            try archive.beginMember(name: "archive/" + name, uncompressedSize: bytes.count, compress: false)
            try bytes.withUnsafeBytes { try archive.write($0) }
            try archive.finishMember()
        }
        try member("data.pkl", pickle.bytes)
        try member("byteorder", Array("little".utf8))
        for (index, info) in content.tensors.enumerated() {
            try archive.beginMember(name: "archive/data/\(index)", uncompressedSize: info.byteCount, compress: false)
            try content.produce(tensorAt: index) { try archive.write($0) }
            let written = try archive.finishMember()
            guard written == info.byteCount else {
                throw PyTorchError.cannotWrite(path: path, tensor: info.name, detail: "the producer gave \(written) bytes for \(info.byteCount)")
            }
        }
        try member("version", Array("3\n".utf8))
        try archive.finish()
        try output.commit()
    }
}
