import Foundation
import Soup
import TureenCore
import Tureen
import TureenTestSupport
import XCTest

/// Inputs that shrink after they were opened (issue 11, item 4): every format (PyTorch zip and
/// legacy, and GGUF, included), and convert and soup through the facade, report "the file ended at
/// byte …" and leave nothing behind. Before reads went through `pread`, each of these died of
/// SIGBUS in the mapped bytes.
final class TruncatedInputTests: XCTestCase {
    private var scratch: ScratchFolder!
    private var folder: String { scratch.path }

    override func setUpWithError() throws { scratch = try makeScratchFolder() }

    /// Two f32 tensors of 6 MiB each: more than one 4 MiB chunk, so reading goes on after the first.
    private func writeModel(_ name: String, compress: Bool = false, seed: Double = 0) throws -> String {
        let count = 3 << 19
        let store = try StoreBuilder.store("memory", [
            (name: "layer.a", shape: [count], values: (0..<count).map { Double($0 % 251) + seed }),
            (name: "layer.b", shape: [count], values: (0..<count).map { Double($0 % 13) - seed }),
        ])
        let path = folder + "/" + name
        var options = WriteOptions()
        options.compress = compress
        try FormatRegistry.standard.writer(for: path).writer.write(try StoreProducer(store: store), to: path, options: options)
        return path
    }

    /// The same two tensors as `writeModel` in a GGUF file (Tureen reads GGUF but does not write it).
    private func writeGGUF(_ name: String) throws -> String {
        let count = 3 << 19
        var bytes = Array("GGUF".utf8)
        func integer<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        integer(UInt32(3))
        integer(UInt64(2))
        integer(UInt64(0))
        for (index, tensor) in ["layer.a", "layer.b"].enumerated() {
            integer(UInt64(tensor.utf8.count))
            bytes += Array(tensor.utf8)
            integer(UInt32(1))
            integer(UInt64(count))
            integer(UInt32(0))  // F32
            integer(UInt64(index * count * 4))
        }
        while bytes.count % 32 != 0 { bytes.append(0) }
        for index in 0..<(2 * count) { integer(Float(index % 251).bitPattern) }
        let path = folder + "/" + name
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)), path)
        return path
    }

    /// A legacy (pre-1.6) `torch.save` file from Fixtures/, copied into the scratch folder.
    private func copyLegacyCheckpoint() throws -> String {
        let path = folder + "/legacy.pt"
        try FileManager.default.copyItem(atPath: Fixtures.path("pytorch/legacy.pt"), toPath: path)
        return path
    }

    private static func truncate(_ path: String, to size: Int) {
        XCTAssertEqual(Glibc.truncate(path, off_t(size)), 0, path)
    }

    private func assertTruncated(_ error: Error, _ path: String, file: StaticString = #filePath, line: UInt = #line) {
        guard case let .truncatedWhileReading(reported, _)? = error as? TensorStoreError else {
            return XCTFail("\(path): expected truncatedWhileReading, got \(error)", file: file, line: line)
        }
        XCTAssertEqual(reported, path, file: file, line: line)
        XCTAssertTrue("\(error)".contains("it was truncated after opening"), "\(error)", file: file, line: line)
    }

    private func readAll(_ store: TensorStore) throws {
        for tensor in store.tensors {
            var offset = 0
            while offset < tensor.info.byteCount {
                let end = min(tensor.info.byteCount, offset + (1 << 20))
                _ = try tensor.source.withBytes(in: offset..<end) { $0.count }
                offset = end
            }
        }
    }

    func testEveryFormatReportsAFileTruncatedAfterItWasOpened() throws {
        let inputs = [
            try writeModel("model.safetensors"),
            try writeModel("model.npz"),
            try writeModel("packed.npz", compress: true),
            try writeModel("model.h5"),
            try writeModel("model.pt"),
            try writeModel("pytorch_model.bin"),
            try writeGGUF("model.gguf"),
        ]
        for input in inputs {
            let store = try FormatRegistry.standard.open(input)
            Self.truncate(input, to: 4096)
            XCTAssertThrowsError(try readAll(store), input) { assertTruncated($0, input) }
        }
    }

    func testALegacyTorchSaveFileTruncatedAfterItWasOpenedIsReported() throws {
        let input = try copyLegacyCheckpoint()
        let store = try FormatRegistry.standard.open(input)
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: input)[.size] as? Int)
        Self.truncate(input, to: size - 16)  // the last storage's bytes
        XCTAssertThrowsError(try readAll(store), input) { assertTruncated($0, input) }
    }

    func testConversionOfAPyTorchOrGGUFInputTruncatedWhileReadLeavesNoOutput() throws {
        for (name, write) in [("model.pt", { try self.writeModel("model.pt") }), ("model.gguf", { try self.writeGGUF("model.gguf") })] {
            let input = try write()
            let conversion = Conversion(input: input, output: folder + "/out.safetensors")
            var truncated = false
            XCTAssertThrowsError(try conversion.run { _, _ in
                if !truncated { Self.truncate(input, to: 4096) }
                truncated = true
            }, name) { assertTruncated($0, input) }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), [name], name)
            try FileManager.default.removeItem(atPath: input)
        }
    }

    func testConversionOfAnInputTruncatedWhileReadLeavesNoOutput() throws {
        for (name, compress) in [("model.safetensors", false), ("model.npz", false), ("packed.npz", true), ("model.h5", false)] {
            let input = try writeModel(name, compress: compress)
            for output in ["out.safetensors", "out.npz", "out.h5"] {
                let conversion = Conversion(input: input, output: folder + "/" + output)
                var truncated = false
                XCTAssertThrowsError(try conversion.run { _, _ in
                    if !truncated { Self.truncate(input, to: 4096) }
                    truncated = true
                }, name + " → " + output) { assertTruncated($0, input) }
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), [name], name + " → " + output)
                _ = try writeModel(name, compress: compress)
            }
            try FileManager.default.removeItem(atPath: input)
        }
    }

    func testSoupWithAnNpzIngredientTruncatedWhileReadLeavesNoOutput() throws {
        let first = try writeModel("first.npz")
        let second = try writeModel("second.safetensors", seed: 1)
        let job = SoupJob(ingredients: [first, second], recipe: try .uniform(count: 2), output: folder + "/soup.safetensors")
        var truncated = false
        XCTAssertThrowsError(try job.run { _, _ in
            if !truncated { Self.truncate(first, to: 4096) }
            truncated = true
        }) { assertTruncated($0, first) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), ["first.npz", "second.safetensors"])
    }
}
