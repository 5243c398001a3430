import TureenCore

/// Why a safetensors file, folder or index was refused. Every case names the file and, where there
/// is one, the tensor.
public enum SafetensorsError: Error, CustomStringConvertible {
    case fileTooSmall(path: String, size: Int)
    case headerTooLarge(path: String, length: UInt64)
    case headerPastEnd(path: String, headerLength: UInt64, fileSize: Int)
    case headerNotUTF8JSON(path: String, detail: String)
    case headerNotObject(path: String)
    case duplicateKey(path: String, key: String)
    case badMetadata(path: String, detail: String)
    case badTensorEntry(path: String, tensor: String, detail: String)
    case unsupportedDType(path: String, tensor: String, dtype: String)
    case byteLengthMismatch(path: String, tensor: String, expected: Int, actual: Int)
    case offsetsNotContiguous(path: String, tensor: String, expectedStart: Int, actualStart: Int)
    case dataSizeMismatch(path: String, dataEnd: Int, available: Int)
    case badIndex(path: String, detail: String)
    case shardMismatch(path: String, shard: String, detail: String)
    case noCheckpointInFolder(path: String)
    case cannotStore(path: String, tensor: String, dtype: DType)
    case invalidShardSize(String)

    public var description: String {
        switch self {
        case let .fileTooSmall(path, size):
            return "\(path): \(size) bytes is too small for a safetensors file (at least 8 bytes of header length expected)"
        case let .headerTooLarge(path, length):
            return "\(path): header length \(length) exceeds the 100,000,000-byte limit; not a safetensors file or corrupt"
        case let .headerPastEnd(path, headerLength, fileSize):
            return "\(path): header length \(headerLength) runs past the end of the \(fileSize)-byte file; truncated or not safetensors"
        case let .headerNotUTF8JSON(path, detail):
            return "\(path): the header is not valid UTF-8 JSON: \(detail)"
        case let .headerNotObject(path):
            return "\(path): the header must be a JSON object that starts with '{'"
        case let .duplicateKey(path, key):
            return "\(path): the header names '\(key)' more than once"
        case let .badMetadata(path, detail):
            return "\(path): __metadata__ must map strings to strings: \(detail)"
        case let .badTensorEntry(path, tensor, detail):
            return "\(path): tensor '\(tensor)': \(detail)"
        case let .unsupportedDType(path, tensor, dtype):
            return "\(path): tensor '\(tensor)': dtype '\(dtype)' is not supported (expected one of \(DType.safetensorsNames.joined(separator: ", ")))"
        case let .byteLengthMismatch(path, tensor, expected, actual):
            return "\(path): tensor '\(tensor)': data_offsets span \(actual) bytes but dtype and shape need \(expected)"
        case let .offsetsNotContiguous(path, tensor, expectedStart, actualStart):
            return "\(path): tensor '\(tensor)': data starts at \(actualStart) but the previous tensor ends at \(expectedStart) (holes and overlaps are not allowed)"
        case let .dataSizeMismatch(path, dataEnd, available):
            return "\(path): tensors end at data byte \(dataEnd) but the file holds \(available) data bytes"
        case let .badIndex(path, detail):
            return "\(path): invalid shard index: \(detail)"
        case let .shardMismatch(path, shard, detail):
            return "\(path): shard '\(shard)' disagrees with the index: \(detail)"
        case let .noCheckpointInFolder(path):
            return "\(path): the folder holds no *.safetensors.index.json and no *.safetensors files"
        case let .cannotStore(path, tensor, dtype):
            return "\(path): tensor '\(tensor)': safetensors has no \(dtype) dtype; cast it or choose another format"
        case let .invalidShardSize(text):
            return "invalid shard size '\(text)': expected a number of bytes such as 5GB, 500MB or 1000000"
        }
    }
}

extension DType {
    /// The dtypes safetensors can store (all but complex128).
    public static let safetensorsTypes: [DType] = DType.allCases.filter { $0 != .c128 }
    static let safetensorsNames = safetensorsTypes.map(\.rawValue)

    /// The rank of the dtype in the safetensors library's `Dtype` enum, which orders tensors in files it writes.
    var safetensorsOrder: Int {
        let order: [DType] = [.bool, .u8, .i8, .f8E5M2, .f8E4M3, .i16, .u16, .f16, .bf16, .i32, .u32, .f32, .c64, .f64, .i64, .u64]
        return order.firstIndex(of: self) ?? order.count
    }
}
