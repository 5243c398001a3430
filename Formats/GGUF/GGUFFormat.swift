import TureenCore

extension CheckpointFormat.Name {
    /// GGUF (llama.cpp), read only.
    public static let gguf: Self = "gguf"
}

extension CheckpointFormat {
    /// GGUF: tensors as stored for F32/F16/BF16/F64/integers, Q8_0 and Q4_0 dequantized to f32; read only.
    public static let gguf = CheckpointFormat(
        name: .gguf,
        fileExtensions: ["gguf"],
        recognizesPrefix: { $0.starts(with: Array("GGUF".utf8)) },
        reader: GGUFTensorReader(),
        writer: nil
    )
}

/// Reads GGUF files at the tensor level: plain tensors read in place, Q8_0 and Q4_0 dequantized
/// to f32 on read, other quantized types listed (as f32, with a note) and refused when read. The
/// key-values are reported by `inspect` as non-tensor values and never written.
public struct GGUFTensorReader: CheckpointReader {
    /// A reader.
    public init() {}

    public func open(_ path: String, options: ReadOptions) throws -> TensorStore {
        let file = try MappedFile(path: path)
        let header = try file.withBytesLoadedOnDemand { bytes, load in try GGUFHeader(bytes, path: path, load: load) }
        var tensors: [StoredTensor] = []
        var notes = header.values.map { NonTensorValue(name: $0.key, summary: $0.summary) }
        for tensor in header.tensors {
            let range = tensor.fileOffset..<(tensor.fileOffset + tensor.byteCount)
            if let dtype = tensor.type.plainDType {
                let info = try TensorInfo(name: tensor.name, dtype: dtype, shape: tensor.shape, file: path)
                tensors.append(StoredTensor(info: info, source: try MappedTensorSource(file: file, fileRange: range)))
                continue
            }
            let info = try TensorInfo(name: tensor.name, dtype: .f32, shape: tensor.shape, file: path)
            if tensor.type.isDequantized {
                tensors.append(StoredTensor(info: info, source: DequantizingSource(file: file, fileRange: range, type: tensor.type, elementCount: tensor.elementCount)))
            } else {
                notes.append(NonTensorValue(name: tensor.name, summary: "a \(tensor.type.name) tensor, listed as F32 but not readable"))
                tensors.append(StoredTensor(info: info, source: UnsupportedTypeSource(error: .unsupportedType(path: path, tensor: tensor.name, type: tensor.type.name))))
            }
        }
        return try TensorStore(location: path, formatName: .gguf, tensors: tensors, nonTensorValues: notes)
    }
}
