import Foundation
import Safetensors
import TureenCore
@testable import HDF5

/// Paths and helpers shared by the HDF5 tests.
enum HDF5TestSupport {
    /// The repository's `Fixtures/hdf5` folder.
    static let fixtures: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.lastPathComponent != "Tests" { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().appendingPathComponent("Fixtures/hdf5").path
    }()

    /// A fresh empty folder, removed when the process ends.
    static func temporaryFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tureen-hdf5-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// All bytes of a stored tensor.
    static func bytes(of tensor: StoredTensor) throws -> [UInt8] {
        try tensor.source.withBytes(in: 0..<tensor.info.byteCount) { Array($0) }
    }

    /// A producer over in-memory tensors.
    struct MemoryProducer: TensorProducer {
        var tensors: [TensorInfo]
        var contents: [[UInt8]]
        var metadata: [String: String] = [:]
        /// Throw after this many tensors have been produced (to test failure clean-up).
        var failAfter: Int?

        func produce(tensorAt index: Int, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
            if let failAfter, index >= failAfter { throw TensorStoreError.cannotWrite(path: "test", errno: .ioError) }
            try contents[index].withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let end = min(bytes.count, offset + 3 * 1024 * 1024 + 6)
                    try sink(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
                    offset = end
                }
            }
        }
    }
}
