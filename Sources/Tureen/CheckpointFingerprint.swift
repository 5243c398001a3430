import SystemPackage
import TureenCore

/// What identifies an ingredient's contents cheaply, for score journals: its size, its
/// modification time and a hash of its header (the first MiB of the file). A folder checkpoint
/// (shards) is fingerprinted by its files', in name order.
public struct CheckpointFingerprint: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The size in bytes (a folder's: its files' together).
    public let size: Int
    /// The modification time in nanoseconds since 1970 (a folder's: its newest file's).
    public let modified: Int
    /// FNV-1a (64 bits) of the header bytes, in hexadecimal.
    public let header: String

    /// Bytes of each file that are hashed.
    static let headerBytes = 1 << 20

    /// Fingerprints the checkpoint at `path`.
    ///
    /// - Throws: `TensorStoreError.cannotOpen`, `.notARegularFile`, `.cannotRead` or `.truncatedWhileReading`.
    public init(path: String) throws {
        if FileSystem.isDirectory(path) {
            var size = 0
            var modified = 0
            var hash = FNV1a()
            for name in try FileSystem.contents(of: path) where !name.hasPrefix(".") {
                let file = path + "/" + name
                guard !FileSystem.isDirectory(file) else { continue }
                let part = try CheckpointFingerprint(path: file)
                size += part.size
                modified = max(modified, part.modified)
                hash.add(Array("\(name) \(part.size) \(part.modified) \(part.header)\n".utf8))
            }
            self.size = size
            self.modified = modified
            self.header = hash.hex
            return
        }
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec, .nonBlocking])
        } catch {
            throw TensorStoreError.cannotOpen(path: path, errno: error as? Errno ?? .ioError)
        }
        defer { try? descriptor.close() }
        let status: Stat
        do { status = try descriptor.stat() } catch { throw TensorStoreError.cannotOpen(path: path, errno: error) }
        guard status.type == .regular else { throw TensorStoreError.notARegularFile(path: path) }
        var bytes = [UInt8](repeating: 0, count: min(Int(status.size), Self.headerBytes))
        var done = 0
        while done < bytes.count {
            let got: Int
            do {
                got = try bytes.withUnsafeMutableBytes {
                    try descriptor.read(fromAbsoluteOffset: Int64(done), into: UnsafeMutableRawBufferPointer(rebasing: $0[done...]))
                }
            } catch {
                throw TensorStoreError.cannotRead(path: path, errno: error as? Errno ?? .ioError)
            }
            guard got > 0 else { throw TensorStoreError.truncatedWhileReading(path: path, endedAt: done) }
            done += got
        }
        var hash = FNV1a()
        hash.add(bytes)
        size = Int(status.size)
        modified = Int(status.st_mtim.tv_sec) * 1_000_000_000 + Int(status.st_mtim.tv_nsec)
        header = hash.hex
    }

    public var description: String { "\(size) bytes, modified \(modified), header \(header)" }
}

/// The 64-bit FNV-1a hash: a quick, non-cryptographic hash for cache keys.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: [UInt8]) {
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
    }

    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
