import TureenCore

/// Why a `.npy` or `.npz` file was refused or could not be written. Every case names the file and,
/// where there is one, the member or tensor.
public enum NumPyError: Error, CustomStringConvertible, Equatable {
    /// The bytes do not start with the `.npy` magic string.
    case notNpy(path: String, member: String)
    /// The `.npy` format version is not 1.0, 2.0 or 3.0.
    case unsupportedVersion(path: String, member: String, major: UInt8, minor: UInt8)
    /// The `.npy` header is longer than numpy itself accepts.
    case headerTooLong(path: String, member: String, length: Int)
    /// The `.npy` header runs past the end of the file or member.
    case headerPastEnd(path: String, member: String, headerEnd: Int, available: Int)
    /// The `.npy` header dictionary cannot be parsed or lacks a field.
    case badHeader(path: String, member: String, detail: String)
    /// The array holds Python objects (a pickle), which Tureen never loads.
    case objectDType(path: String, member: String)
    /// The array's dtype descriptor names no dtype Tureen reads.
    case unsupportedDescr(path: String, member: String, descr: String)
    /// The array is 1- or 2-byte void data (`byteWidth`) with no record of its true dtype, and no dtype of its width was assumed for it.
    case untypedVoid(path: String, member: String, descr: String, byteWidth: Int)
    /// The data is not as long as the dtype and shape need.
    case dataSizeMismatch(path: String, member: String, expected: Int, actual: Int)
    /// An `.npz` file has no zip end record.
    case notZip(path: String, detail: String)
    /// An `.npz` file's zip records are inconsistent.
    case badZip(path: String, detail: String)
    /// A zip member's records are invalid: sizes that do not fit, a missing or disagreeing local header, data past its bounds.
    case badMember(path: String, member: String, detail: String)
    /// A zip member's name does not end in `.npy`.
    case notNpyMember(path: String, member: String)
    /// Two zip members have the same name.
    case duplicateMember(path: String, member: String)
    /// Two zip members' data overlap in the file.
    case overlappingMembers(path: String, first: String, second: String)
    /// A zip member is compressed with a method other than stored or deflate.
    case unsupportedCompression(path: String, member: String, method: UInt16)
    /// A zip member is encrypted.
    case encryptedMember(path: String, member: String)
    /// A zip member declares more bytes than its compressed data can hold.
    case zipBomb(path: String, member: String, compressed: Int, declared: Int)
    /// A member's deflate data cannot be decompressed.
    case corruptDeflate(path: String, member: String, detail: String)
    /// A member's decompressed bytes do not match the CRC-32 the archive records.
    case checksumMismatch(path: String, member: String, expected: UInt32, actual: UInt32)
    /// A `.npy` output was asked to hold other than one tensor.
    case singleTensorOnly(path: String, count: Int)
    /// zlib could not deflate a tensor for an `.npz` output.
    case compressionFailed(path: String, tensor: String, detail: String)

    public var description: String {
        switch self {
        case let .notNpy(path, member):
            return "\(location(path, member)): not a .npy array (the magic string \\x93NUMPY is missing)"
        case let .unsupportedVersion(path, member, major, minor):
            return "\(location(path, member)): .npy format version \(major).\(minor) is not supported (expected 1.0, 2.0 or 3.0)"
        case let .headerTooLong(path, member, length):
            return "\(location(path, member)): the .npy header is \(length) characters long; like numpy, Tureen refuses headers over \(NpyHeader.maximumHeaderLength)"
        case let .headerPastEnd(path, member, headerEnd, available):
            return "\(location(path, member)): the .npy header ends at byte \(headerEnd) but only \(available) bytes are present; truncated"
        case let .badHeader(path, member, detail):
            return "\(location(path, member)): invalid .npy header: \(detail)"
        case let .objectDType(path, member):
            return "\(location(path, member)): the array holds Python objects (descr 'O', a pickle); Tureen never unpickles, re-save it with a numeric dtype"
        case let .unsupportedDescr(path, member, descr):
            return "\(location(path, member)): dtype '\(descr)' is not supported (expected bool, signed or unsigned integers, f2/f4/f8, c8/c16, or V2/V1 for bf16/float8)"
        case let .untypedVoid(path, member, descr, _):
            return "\(location(path, member)): dtype '\(descr)' is untyped void data with no record of its true dtype"
        case let .dataSizeMismatch(path, member, expected, actual):
            return "\(location(path, member)): dtype and shape need \(expected) data bytes but \(actual) are present"
        case let .notZip(path, detail):
            return "\(path): not an .npz (zip) archive: \(detail)"
        case let .badZip(path, detail):
            return "\(path): corrupt .npz archive: \(detail)"
        case let .badMember(path, member, detail):
            return "\(path): member '\(member)': \(detail)"
        case let .notNpyMember(path, member):
            return "\(path): member '\(member)' is not a .npy array (every member of an .npz must end in .npy)"
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
        case let .corruptDeflate(path, member, detail):
            return "\(path): member '\(member)': corrupt deflate data: \(detail)"
        case let .checksumMismatch(path, member, expected, actual):
            return "\(path): member '\(member)': CRC-32 is \(hex(actual)) but the archive records \(hex(expected)); the file is corrupt"
        case let .singleTensorOnly(path, count):
            return "\(path): a .npy file holds exactly one array but there are \(count) tensors; write an .npz instead"
        case let .compressionFailed(path, tensor, detail):
            return "\(path): tensor '\(tensor)': deflate failed: \(detail)"
        }
    }

    private func location(_ path: String, _ member: String) -> String {
        member.isEmpty ? path : "\(path): member '\(member)'"
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
