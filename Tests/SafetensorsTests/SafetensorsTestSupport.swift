import Foundation
import TureenCore

/// Paths and helpers shared by the safetensors tests.
enum TestFiles {
    static let fixtures: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.lastPathComponent != "Tests" { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().appendingPathComponent("Fixtures/safetensors").path
    }()

    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "tureen-st-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A safetensors file made of an 8-byte length, `header` and `dataBytes` zero bytes.
    static func craft(header: String, dataBytes: Int, in folder: String, name: String = "crafted.safetensors") -> String {
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8)
        bytes += [UInt8](repeating: 0, count: dataBytes)
        let path = folder + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    static func bytes(of store: TensorStore, tensor: String) throws -> [UInt8] {
        let stored = store.tensor(named: tensor)!
        return try stored.source.withBytes(in: 0..<stored.info.byteCount) { Array($0) }
    }
}
