/// Errors raised by the core: files that cannot be opened, mapped or written, sizes that overflow,
/// and formats the registry cannot tell apart.
public enum TensorStoreError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case notARegularFile(path: String)
    case cannotMap(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case rangeOutsideFile(path: String, range: Range<Int>, fileSize: Int)
    case sizeOverflow(path: String, tensor: String, detail: String)
    case invalidShape(path: String, tensor: String, detail: String)
    case duplicateTensor(path: String, tensor: String)
    case unknownFormat(path: String, known: [String])
    case formatCannotWrite(path: String, format: String)
    case outputExists(path: String)
    case outputIsInput(path: String)
    case cannotWrite(path: String, reason: String)
    case unsupportedConversion(tensor: String, from: DType, to: DType)
    case producerShortfall(path: String, tensor: String, expected: Int, actual: Int)
    case cannotStartThread(reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "\(path): cannot open: \(reason)"
        case let .notARegularFile(path):
            return "\(path): not a regular file"
        case let .cannotMap(path, reason):
            return "\(path): cannot map the file into memory: \(reason)"
        case let .cannotRead(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .rangeOutsideFile(path, range, fileSize):
            return "\(path): bytes \(range.lowerBound)..<\(range.upperBound) lie outside the file (\(fileSize) bytes); the file is truncated or corrupt"
        case let .sizeOverflow(path, tensor, detail):
            return "\(path): tensor '\(tensor)': size overflows: \(detail)"
        case let .invalidShape(path, tensor, detail):
            return "\(path): tensor '\(tensor)': invalid shape: \(detail)"
        case let .duplicateTensor(path, tensor):
            return "\(path): tensor '\(tensor)' appears more than once"
        case let .unknownFormat(path, known):
            return "\(path): cannot tell the checkpoint format from the extension or the first bytes; known formats: \(known.joined(separator: ", "))"
        case let .formatCannotWrite(path, format):
            return "\(path): the \(format) format cannot be written"
        case let .outputExists(path):
            return "\(path): the output already exists; pass --force to replace it"
        case let .outputIsInput(path):
            return "\(path): the output is also an input; choose another output path"
        case let .cannotWrite(path, reason):
            return "\(path): cannot write: \(reason)"
        case let .unsupportedConversion(tensor, from, to):
            return "tensor '\(tensor)': cannot convert \(from) to \(to); only floating-point tensors are cast"
        case let .producerShortfall(path, tensor, expected, actual):
            return "\(path): tensor '\(tensor)': expected \(expected) bytes but \(actual) were produced"
        case let .cannotStartThread(reason):
            return "cannot start a thread: \(reason)"
        }
    }
}
