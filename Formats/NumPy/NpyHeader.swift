import TureenCore

/// The parsed header of a `.npy` array: what the data is and where it starts. Parsing is a pure
/// function over the first bytes of the array, so a fuzzer can drive it.
struct NpyHeader: Equatable {
    /// `\x93NUMPY`.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// numpy's limit on header characters (`max_header_size`).
    static let maximumHeaderLength = 10_000
    /// The most bytes a header can take (10 bytes of preamble, then up to 4 UTF-8 bytes per character).
    static let maximumPrefixLength = 12 + 4 * maximumHeaderLength
    /// numpy aligns the data to this many bytes.
    static let alignment = 64

    /// The tensor's dtype and C-order shape.
    let info: TensorInfo
    /// Whether the data is stored column-major and must be transposed to C order.
    let isFortranOrder: Bool
    /// Whether multi-byte components are stored big-endian and must be swapped.
    let isBigEndian: Bool
    /// The offset of the first data byte from the start of the array.
    let dataOffset: Int

    /// Parses the header at the start of `bytes` (which may run on into the data).
    ///
    /// - Parameters:
    ///   - name: the tensor's name; `member` names the zip member (empty for a lone `.npy`) in errors.
    ///   - assumedVoidTypes: the dtypes for void data that records none, the first of its width applying.
    /// - Throws: `NumPyError` for a wrong magic, version, length, dictionary or dtype.
    static func parse(
        _ bytes: UnsafeRawBufferPointer, name: String, path: String, member: String, assumedVoidTypes: [DType]
    ) throws -> NpyHeader {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw NumPyError.notNpy(path: path, member: member) }
        let major = bytes[6], minor = bytes[7]
        guard let lengthFieldSize = lengthFieldSize(major: major, minor: minor) else {
            throw NumPyError.unsupportedVersion(path: path, member: member, major: major, minor: minor)
        }
        let preamble = 8 + lengthFieldSize
        guard let dataOffset = declaredEnd(of: bytes) else {
            throw NumPyError.headerPastEnd(path: path, member: member, headerEnd: preamble, available: bytes.count)
        }
        guard dataOffset - preamble <= 4 * maximumHeaderLength else {
            throw NumPyError.headerTooLong(path: path, member: member, length: dataOffset - preamble)
        }
        guard dataOffset <= bytes.count else {
            throw NumPyError.headerPastEnd(path: path, member: member, headerEnd: dataOffset, available: bytes.count)
        }
        let text = Array(bytes[preamble..<dataOffset])
        let characters = major == 3 ? String(decoding: text, as: UTF8.self).unicodeScalars.count : text.count
        guard characters <= maximumHeaderLength else {
            throw NumPyError.headerTooLong(path: path, member: member, length: characters)
        }
        let dictionary: HeaderDictionary
        do {
            dictionary = try HeaderDictionary.parse(text)
        } catch {
            throw NumPyError.badHeader(path: path, member: member, detail: error.message)
        }
        let dtype = try resolve(dictionary, path: path, member: member, assumedVoidTypes: assumedVoidTypes)
        let info: TensorInfo
        do {
            info = try TensorInfo(name: name, dtype: dtype, shape: dictionary.shape, file: path)
        } catch TensorStoreError.sizeOverflow {
            throw NumPyError.badHeader(path: path, member: member, detail: "shape \(dictionary.shape) has more bytes than fit in 64 bits")
        }
        let descr = NpyDescr(dictionary.descr)
        return NpyHeader(
            info: info,
            isFortranOrder: dictionary.fortranOrder && dictionary.shape.count > 1,
            isBigEndian: (descr?.isBigEndian ?? false) && dtype.componentType.byteWidth > 1 && descr?.kind != "V",
            dataOffset: dataOffset
        )
    }

    private static func resolve(_ dictionary: HeaderDictionary, path: String, member: String, assumedVoidTypes: [DType]) throws -> DType {
        let text = dictionary.descr
        if text.drop(while: { "<>|=".contains($0) }).hasPrefix("O") {
            throw NumPyError.objectDType(path: path, member: member)
        }
        guard let descr = NpyDescr(text) else { throw NumPyError.unsupportedDescr(path: path, member: member, descr: text) }
        var recorded: DType?
        if let name = NpyDescr.recordedName(in: dictionary.comments) {
            guard let dtype = DType(name: name) else {
                throw NumPyError.badHeader(path: path, member: member, detail: "the \(NpyDescr.dtypeRecordPrefix) comment names an unknown dtype '\(name)'")
            }
            recorded = dtype
        }
        if descr.kind == "V", let recorded, let recordedName = NpyDescr.voidRecordName(for: recorded), recorded.byteWidth != descr.width {
            throw NumPyError.badHeader(
                path: path, member: member,
                detail: "dtype '\(text)' has \(descr.width)-byte elements but its '# \(NpyDescr.dtypeRecordPrefix) \(recordedName)' comment "
                    + "names a \(recorded.byteWidth)-byte dtype; the header contradicts itself")
        }
        if let dtype = descr.dtype(recorded: recorded, assumed: assumedVoidTypes) { return dtype }
        if descr.kind == "V" && (descr.width == 1 || descr.width == 2) && recorded == nil {
            throw NumPyError.untypedVoid(path: path, member: member, descr: text, byteWidth: descr.width)
        }
        throw NumPyError.unsupportedDescr(path: path, member: member, descr: text)
    }

    /// Where the header that `bytes` declares ends (its preamble plus the declared length), or nil
    /// if `bytes` is too short or does not start with the magic string and a known version.
    static func declaredEnd<Bytes: RandomAccessCollection<UInt8>>(of bytes: Bytes) -> Int? where Bytes.Index == Int {
        guard bytes.count >= 10, bytes.starts(with: magic),
              let fieldSize = lengthFieldSize(major: bytes[6], minor: bytes[7]), bytes.count >= 8 + fieldSize else { return nil }
        let length = (8..<(8 + fieldSize)).reversed().reduce(0) { $0 << 8 | Int(bytes[$1]) }
        return 8 + fieldSize + length
    }

    /// The size of the header length field for format version `major.minor`, or nil for an unknown version.
    private static func lengthFieldSize(major: UInt8, minor: UInt8) -> Int? {
        switch (major, minor) {
        case (1, 0): return 2
        case (2, 0), (3, 0): return 4
        default: return nil
        }
    }

    /// The header numpy would write for `info` (little-endian, C order, version 1.0 unless the
    /// header needs 2.0), with a `tureen-dtype` comment for dtypes numpy stores as void data.
    static func encode(_ info: TensorInfo) -> [UInt8] {
        let shape: String
        switch info.shape.count {
        case 0: shape = "()"
        case 1: shape = "(\(info.shape[0]),)"
        default: shape = "(" + info.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var text = "{'descr': '\(NpyDescr.text(for: info.dtype))', 'fortran_order': False, 'shape': \(shape), }"
        // numpy leaves room to grow the first axis in place: 21 digits in all.
        if let first = info.shape.first { text += String(repeating: " ", count: max(0, 21 - String(first).count)) }
        if let record = NpyDescr.voidRecordName(for: info.dtype) { text += "# \(NpyDescr.dtypeRecordPrefix) \(record)" }
        var header = Array(text.utf8)
        var version: UInt8 = 1
        var preamble = 10
        var padding = alignment - (preamble + header.count + 1) % alignment
        if header.count + 1 + padding > Int(UInt16.max) {
            version = 2
            preamble = 12
            padding = alignment - (preamble + header.count + 1) % alignment
        }
        header += [UInt8](repeating: 0x20, count: padding) + [0x0A]
        var bytes = magic + [version, 0]
        let length = header.count
        bytes += version == 1
            ? [UInt8(length & 0xFF), UInt8(length >> 8)]
            : [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
        return bytes + header
    }
}
