/// Why a zip archive's directory was refused. Every case names the file and, where there is one,
/// the member; formats built on zip (npz, PyTorch) report these or map them to their own errors.
public enum ZipError: Error, CustomStringConvertible, Equatable {
    /// No end-of-central-directory record: not a zip archive.
    case notZip(path: String, detail: String)
    /// The archive's records are inconsistent.
    case badZip(path: String, detail: String)
    /// One member's records are inconsistent.
    case badMember(path: String, member: String, detail: String)
    /// Two members have the same name.
    case duplicateMember(path: String, member: String)
    /// Two members share bytes of the file.
    case overlappingMembers(path: String, first: String, second: String)
    /// A compression method other than stored (0) or deflate (8).
    case unsupportedCompression(path: String, member: String, method: UInt16)
    /// An encrypted member.
    case encryptedMember(path: String, member: String)
    /// A deflated member declares more bytes than its compressed data can hold.
    case zipBomb(path: String, member: String, compressed: Int, declared: Int)

    public var description: String {
        switch self {
        case let .notZip(path, detail):
            return "\(path): not a zip archive: \(detail)"
        case let .badZip(path, detail):
            return "\(path): corrupt zip archive: \(detail)"
        case let .badMember(path, member, detail):
            return "\(path): member '\(member)': \(detail)"
        case let .duplicateMember(path, member):
            return "\(path): member '\(member)' appears more than once"
        case let .overlappingMembers(path, first, second):
            return "\(path): members '\(first)' and '\(second)' overlap in the file; refusing a malformed or malicious archive"
        case let .unsupportedCompression(path, member, method):
            return "\(path): member '\(member)' uses zip compression method \(method); only stored (0) and deflate (8) are supported"
        case let .encryptedMember(path, member):
            return "\(path): member '\(member)' is encrypted; encrypted archives are not supported"
        case let .zipBomb(path, member, compressed, declared):
            return "\(path): member '\(member)' declares \(declared) bytes but its \(compressed) compressed bytes cannot hold that many; refusing a zip bomb"
        }
    }
}
