import SystemPackage

/// A file that is neither a regular file, a folder nor a link (no output replaces one: a FIFO or
/// device is no earlier output), named as the messages name it.
public enum SpecialFileKind: String, Sendable, Equatable {
    case fifo = "a FIFO"
    case characterDevice = "a character device"
    case blockDevice = "a block device"
    case socket = "a socket"

    /// The kind of a file of `type`; nil for a regular file, a folder or a link.
    package init?(_ type: FileType) {
        switch type {
        case .fifo: self = .fifo
        case .characterSpecial: self = .characterDevice
        case .blockSpecial: self = .blockDevice
        case .socket: self = .socket
        default: return nil
        }
    }

    /// The kind of what lies at `path` (a link not followed); nil if nothing does, or a regular
    /// file, a folder or a link.
    package init?(at path: String) {
        guard let status = try? Stat(FilePath(path), followTargetSymlink: false) else { return nil }
        self.init(status.type)
    }
}
