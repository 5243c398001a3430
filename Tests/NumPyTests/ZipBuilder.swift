import Foundation
@testable import NumPy
import Zip

/// Builds zip archives byte by byte, including malformed ones and the zip64 variants CPython writes.
struct ZipBuilder {
    enum Zip64Form {
        /// Plain 32-bit sizes, no extra field.
        case none
        /// Real 32-bit sizes in the local header plus a zip64 extra (CPython before 3.11.4).
        case realSizesPlusExtra
        /// 0xFFFFFFFF sizes plus a zip64 extra, in both headers (CPython 3.11.4 and later).
        case maximumPlusExtra
    }

    struct Member {
        var name: String
        var data: [UInt8]
        var deflate = false
        var declaredSize: Int?
        var crc: UInt32?
        var localOffsetOverride: Int?
        /// The uncompressed size the local header declares, where it should disagree with the directory.
        var localDeclaredSize: Int?
    }

    var members: [Member] = []
    var zip64: Zip64Form = .none

    func build() -> [UInt8] {
        var bytes = LittleEndianBytes()
        var central = LittleEndianBytes()
        for member in members {
            let stored = member.deflate ? ZipBuilder.deflate(member.data) : member.data
            let size = member.declaredSize ?? member.data.count
            let crc = member.crc ?? ZipBuilder.crc(member.data)
            let offset = member.localOffsetOverride ?? bytes.bytes.count
            let name = Array(member.name.utf8)
            let extra: [UInt8] = {
                guard zip64 != .none else { return [] }
                var extra = LittleEndianBytes()
                extra.u16(1)
                extra.u16(16)
                extra.u64(size)
                extra.u64(stored.count)
                return extra.bytes
            }()
            /// The fields both headers of a member hold, from the flags to the name's length.
            func appendSharedFields(to record: inout LittleEndianBytes, declaring size: Int) {
                record.u16(0)
                record.u16(member.deflate ? 8 : 0)
                record.u16(0)
                record.u16(0x21)
                record.u32(crc)
                record.u32(zip64 == .maximumPlusExtra ? 0xFFFF_FFFF : stored.count)
                record.u32(zip64 == .maximumPlusExtra ? 0xFFFF_FFFF : size)
                record.u16(name.count)
            }
            bytes.u32(0x0403_4B50)
            bytes.u16(zip64 == .none ? 20 : 45)
            appendSharedFields(to: &bytes, declaring: member.localDeclaredSize ?? size)
            bytes.u16(extra.count)
            bytes.bytes += name + extra + stored

            central.u32(0x0201_4B50)
            central.u16(45)
            central.u16(45)
            appendSharedFields(to: &central, declaring: size)
            central.u16(zip64 == .maximumPlusExtra ? extra.count : 0)
            central.u16(0)
            central.u16(0)
            central.u16(0)
            central.u32(0)
            central.u32(offset)
            central.bytes += name + (zip64 == .maximumPlusExtra ? extra : [])
        }
        let directoryOffset = bytes.bytes.count
        bytes.bytes += central.bytes
        bytes.u32(0x0605_4B50)
        bytes.u16(0)
        bytes.u16(0)
        bytes.u16(members.count)
        bytes.u16(members.count)
        bytes.u32(central.bytes.count)
        bytes.u32(directoryOffset)
        bytes.u16(0)
        return bytes.bytes
    }

    static func crc(_ data: [UInt8]) -> UInt32 {
        var crc = CRC32()
        crc.update(data)
        return crc.value
    }

    static func deflate(_ data: [UInt8]) -> [UInt8] {
        let deflater = try! Deflater()
        var out: [UInt8] = []
        data.withUnsafeBytes { input in
            try! deflater.compress(input) { out += $0 }
        }
        try! deflater.finish { out += $0 }
        return out
    }
}
