import Foundation
import TureenCore
@testable import NumPy

/// The repository's `Fixtures/numpy` folder.
enum NumPyFixtures {
    static let folder: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.lastPathComponent != "Tests" { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().appendingPathComponent("Fixtures/numpy").path
    }()
}

/// A temporary folder removed when the test ends.
final class ScratchFolder {
    let path = NSTemporaryDirectory() + "tureen-numpy-tests-\(UUID().uuidString)"

    init() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String, bytes: [UInt8]) throws -> String {
        let target = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path + "/" + name)))
    }
}

/// Tensors held in memory, produced in chunks of at most `chunk` bytes.
struct MemoryProducer: TensorProducer {
    var tensors: [TensorInfo]
    var contents: [[UInt8]]
    var metadata: [String: String] = [:]
    var chunk = 7

    init(_ items: [(TensorInfo, [UInt8])]) {
        tensors = items.map(\.0)
        contents = items.map(\.1)
    }

    func produce(tensorAt index: Int, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let bytes = contents[index]
        let step = max(chunk / tensors[index].dtype.byteWidth, 1) * tensors[index].dtype.byteWidth
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + step)
            try bytes[offset..<end].withUnsafeBytes { try sink($0) }
            offset = end
        }
    }
}

extension StoredTensor {
    /// All the tensor's bytes, read in `chunk`-byte ranges in order.
    func allBytes(chunk: Int = 1 << 20) throws -> [UInt8] {
        var result: [UInt8] = []
        var offset = 0
        while offset < info.byteCount {
            let end = min(info.byteCount, offset + chunk)
            try source.withBytes(in: offset..<end) { result += $0 }
            offset = end
        }
        return result
    }
}

/// Little-endian bytes of values, for building expected tensors.
func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { value in (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}

/// A `.npy` array built by hand: the given header dictionary text padded as numpy pads it, then `data`.
func npyBytes(_ dictionary: String, data: [UInt8], version: UInt8 = 1) -> [UInt8] {
    var header = Array(dictionary.utf8)
    let preamble = version == 1 ? 10 : 12
    header += [UInt8](repeating: 0x20, count: 63 - (preamble + header.count) % 64) + [0x0A]
    var bytes = NpyHeader.magic + [version, 0]
    bytes += version == 1 ? littleEndianBytes([UInt16(header.count)]) : littleEndianBytes([UInt32(header.count)])
    return bytes + header + data
}
