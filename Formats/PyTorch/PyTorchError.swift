/// Why a PyTorch checkpoint was refused or could not be written. Every case names the file and,
/// where there is one, the tensor or archive member.
public enum PyTorchError: Error, CustomStringConvertible, Equatable {
    /// The pickle names a global Tureen does not resolve (`os.system`, a module class, …).
    case forbiddenGlobal(path: String, global: String, reason: String)
    /// The pickle uses an opcode outside protocol 2's subset that torch files use.
    case unsupportedOpcode(path: String, opcode: UInt8, offset: Int)
    /// The pickle stream is malformed (stack underflow, undefined memo entry, truncation, …).
    case badPickle(path: String, offset: Int, detail: String)
    /// The pickle exceeds a bound on nesting, memo entries or objects (a memo or nesting bomb).
    case pickleTooLarge(path: String, detail: String)
    /// The archive's layout is not torch's (no `data.pkl`, members outside the prefix, …).
    case badArchive(path: String, detail: String)
    /// A storage record is missing, compressed, or of the wrong length.
    case badStorage(path: String, key: String, detail: String)
    /// A tensor's size, stride or offset is invalid or reaches outside its storage.
    case badTensor(path: String, tensor: String, detail: String)
    /// A tensor holds data Tureen cannot represent (conjugate or negative views, quantized, …).
    case unsupportedTensor(path: String, tensor: String, detail: String)
    /// `--select` names a key the checkpoint does not have.
    case selectionNotFound(path: String, key: String, available: [String])
    /// The checkpoint has no tensors after selection.
    case noTensors(path: String, detail: String)
    /// Two tensors end up with one name (after `--strip-prefix`, or a dict with `a.b` and `a: {b}`).
    case duplicateName(path: String, tensor: String)
    /// A tensor cannot be written in a form `torch.load(weights_only=True)` reads.
    case cannotWrite(path: String, tensor: String, detail: String)

    public var description: String {
        switch self {
        case let .forbiddenGlobal(path, global, reason):
            return "\(path): the pickle names the global '\(global)', which is refused: \(reason)"
        case let .unsupportedOpcode(path, opcode, offset):
            return "\(path): pickle opcode 0x\(String(opcode, radix: 16)) at byte \(offset) is not supported (torch checkpoints use protocol 2; protocol-4 framing and object construction are refused)"
        case let .badPickle(path, offset, detail):
            return "\(path): corrupt pickle at byte \(offset): \(detail)"
        case let .pickleTooLarge(path, detail):
            return "\(path): the pickle is refused: \(detail)"
        case let .badArchive(path, detail):
            return "\(path): not a valid torch.save archive: \(detail)"
        case let .badStorage(path, key, detail):
            return "\(path): storage '\(key)': \(detail)"
        case let .badTensor(path, tensor, detail):
            return "\(path): tensor '\(tensor)': \(detail)"
        case let .unsupportedTensor(path, tensor, detail):
            return "\(path): tensor '\(tensor)' is not supported: \(detail)"
        case let .selectionNotFound(path, key, available):
            let listed = available.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
            return "\(path): there is no key '\(key)' to select; the checkpoint's top-level keys are \(listed.isEmpty ? "none" : listed)"
        case let .noTensors(path, detail):
            return "\(path): no tensors: \(detail)"
        case let .duplicateName(path, tensor):
            return "\(path): two tensors are both named '\(tensor)'"
        case let .cannotWrite(path, tensor, detail):
            return "\(path): tensor '\(tensor)': \(detail)"
        }
    }
}
