import Zip

extension NumPyError {
    /// The npz reader's wording of a zip directory error (an `.npz` is the only zip it knows).
    init(_ error: ZipError) {
        switch error {
        case let .notZip(path, detail): self = .notZip(path: path, detail: detail)
        case let .badZip(path, detail): self = .badZip(path: path, detail: detail)
        case let .badMember(path, member, detail): self = .badMember(path: path, member: member, detail: detail)
        case let .duplicateMember(path, member): self = .duplicateMember(path: path, member: member)
        case let .overlappingMembers(path, first, second): self = .overlappingMembers(path: path, first: first, second: second)
        case let .unsupportedCompression(path, member, method): self = .unsupportedCompression(path: path, member: member, method: method)
        case let .encryptedMember(path, member): self = .encryptedMember(path: path, member: member)
        case let .zipBomb(path, member, compressed, declared):
            self = .zipBomb(path: path, member: member, compressed: compressed, declared: declared)
        }
    }
}
