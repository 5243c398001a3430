import TureenTestSupport
@testable import NumPy

/// A `.npy` array built by hand: the given header dictionary text padded as numpy pads it, then `data`.
func npyBytes(_ dictionary: String, data: [UInt8], version: UInt8 = 1) -> [UInt8] {
    var header = Array(dictionary.utf8)
    let preamble = version == 1 ? 10 : 12
    header += [UInt8](repeating: 0x20, count: 63 - (preamble + header.count) % 64) + [0x0A]
    var bytes = NpyHeader.magic + [version, 0]
    bytes += version == 1 ? TensorBytes.littleEndian([UInt16(header.count)]) : TensorBytes.littleEndian([UInt32(header.count)])
    return bytes + header + data
}
