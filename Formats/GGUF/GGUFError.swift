/// Why a GGUF file was refused. Every case names the file and, where there is one, the tensor or key.
public enum GGUFError: Error, CustomStringConvertible, Equatable {
    /// The file does not start with `GGUF`.
    case notGGUF(path: String)
    /// A GGUF version other than 2 or 3 (ggml refuses 0 and 1, and byte-swapped versions).
    case unsupportedVersion(path: String, version: UInt32)
    /// The header, a key-value pair or a tensor info is malformed or runs past the end of the file.
    case badHeader(path: String, offset: Int, detail: String)
    /// A key-value pair is malformed or repeated.
    case badKey(path: String, key: String, detail: String)
    /// A tensor's info is invalid: name, rank, dimensions, type or offset.
    case badTensor(path: String, tensor: String, detail: String)
    /// A tensor's type is quantized in a way Tureen does not dequantize.
    case unsupportedType(path: String, tensor: String, type: String)

    public var description: String {
        switch self {
        case let .notGGUF(path):
            return "\(path): not a GGUF file (the magic 'GGUF' is missing)"
        case let .unsupportedVersion(path, version):
            return "\(path): GGUF version \(version) is not supported (expected 2 or 3)"
        case let .badHeader(path, offset, detail):
            return "\(path): corrupt GGUF header at byte \(offset): \(detail)"
        case let .badKey(path, key, detail):
            return "\(path): key '\(key)': \(detail)"
        case let .badTensor(path, tensor, detail):
            return "\(path): tensor '\(tensor)': \(detail)"
        case let .unsupportedType(path, tensor, type):
            return "\(path): tensor '\(tensor)' is quantized as \(type); Tureen reads F32, F16, BF16, F64, integer, Q8_0 and Q4_0 tensors (dequantize it with llama.cpp's tools first)"
        }
    }
}
