import TureenCore

/// Why a safetensors file, folder or index was refused. Every case names the file and, where there
/// is one, the tensor.
public enum SafetensorsError: Error, CustomStringConvertible {
    /// The file is shorter than the 8-byte header length that starts every safetensors file.
    case fileTooSmall(path: String, size: Int)
    /// The header length exceeds the 100,000,000-byte limit the safetensors library enforces.
    case headerTooLarge(path: String, length: UInt64)
    /// The header length runs past the end of the file.
    case headerPastEnd(path: String, headerLength: UInt64, fileSize: Int)
    /// The header is not valid UTF-8 JSON; `detail` says where the parser stopped.
    case headerNotUTF8JSON(path: String, detail: String)
    /// The header is JSON but not an object.
    case headerNotObject(path: String)
    /// The header names a tensor (or `__metadata__`) more than once.
    case duplicateKey(path: String, key: String)
    /// `__metadata__` is not a map from strings to strings.
    case badMetadata(path: String, detail: String)
    /// A tensor's entry lacks a field or holds one of the wrong type or value.
    case badTensorEntry(path: String, tensor: String, detail: String)
    /// A tensor's dtype is not one safetensors defines.
    case unsupportedDType(path: String, tensor: String, dtype: String)
    /// A tensor's `data_offsets` span a different number of bytes than its dtype and shape need.
    case byteLengthMismatch(path: String, tensor: String, expected: Int, actual: Int)
    /// A tensor's data does not start where the previous one ends (a hole or an overlap).
    case offsetsNotContiguous(path: String, tensor: String, expectedStart: Int, actualStart: Int)
    /// The tensors do not end exactly where the file's data ends.
    case dataSizeMismatch(path: String, dataEnd: Int, available: Int)
    /// A `*.safetensors.index.json` is not a valid shard index.
    case badIndex(path: String, detail: String)
    /// A shard lacks a tensor the index assigns to it, or holds one the index does not.
    case shardMismatch(path: String, shard: String, detail: String)
    /// A folder read without an index lacks a shard its numbered shard names call for.
    case missingShard(path: String, shard: String, total: Int)
    /// A folder holds a numbered shard of the series its index lists that the index maps no tensor to.
    case shardNotInIndex(path: String, shard: String)
    /// A folder of a partitioned run's shards (it holds task manifests) has no index yet.
    case partitionedFolderWithoutIndex(path: String)
    /// A folder holds neither a shard index nor any `*.safetensors` file.
    case noCheckpointInFolder(path: String)
    /// A tensor's dtype has no safetensors spelling (complex128).
    case cannotStore(path: String, tensor: String, dtype: DType)

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
        case let .missingShard(path, shard, total):
            return "\(path): shard \(shard) is missing (the shards' names say there are \(total)), and the folder has no index to say which tensors it held"
        case let .shardNotInIndex(path, shard):
            return "\(path): the folder holds \(shard), a shard of the series the index lists, but the index maps no tensor to it (an incomplete index: its tensors would be left out); rewrite the index, or remove the shard if it is not the model's"
        case let .partitionedFolderWithoutIndex(path):
            return "\(path): a partitioned run's folder (it holds tureen-task manifests) without its index: once every task has finished, run 'tureen index \(path)', which checks the shards and writes the index"
        case let .noCheckpointInFolder(path):
            return "\(path): the folder holds no *.safetensors.index.json and no *.safetensors files"
        case let .cannotStore(path, tensor, dtype):
            // Only complex128 (`DType.safetensorsTypes`), which no cast changes (`--dtype` casts real floats).
            return "\(path): tensor '\(tensor)': safetensors has no \(dtype) dtype; write npz, HDF5 (.h5) or PyTorch (.pt) instead"
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
