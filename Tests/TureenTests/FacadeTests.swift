import Foundation
import Soup
import TureenCore
import Tureen
import TureenTestSupport
import XCTest

/// The library facade: format choice, output policy, conversions and soups from paths to paths.
final class FacadeTests: XCTestCase {
    private var scratch: ScratchFolder!
    private var folder: String { scratch.path }

    override func setUpWithError() throws { scratch = try makeScratchFolder() }

    func testRegistryRecognisesSafetensorsByContentWhateverTheExtension() throws {
        let renamed = folder + "/weights.bin"
        try FileManager.default.copyItem(atPath: Fixtures.path("safetensors/all_dtypes.safetensors"), toPath: renamed)
        XCTAssertEqual(try FormatRegistry.standard.formatForReading(renamed).name, "safetensors")
    }

    func testRegistryNamesTheFileAndTheKnownFormatsWhenItCannotTell() throws {
        let unknown = try scratch.file("notes.txt", contents: "hello".utf8)
        XCTAssertThrowsError(try FormatRegistry.standard.open(unknown)) { error in
            XCTAssertTrue("\(error)".contains(unknown))
            XCTAssertTrue("\(error)".contains("safetensors"))
        }
        XCTAssertThrowsError(try FormatRegistry.standard.writer(for: folder + "/out.pkl")) { XCTAssertTrue("\($0)".contains("out.pkl")) }
    }

    func testAnOutputOfNoWrittenFormatSaysWhichNamesAreWritten() throws {
        // Regression: the message was the reading one, "cannot tell the checkpoint format from the
        // extension or the first bytes", which an output has none of.
        XCTAssertThrowsError(try FormatRegistry.standard.writer(for: folder + "/out.pkl")) { error in
            XCTAssertEqual("\(error)", "\(self.folder)/out.pkl: no format is written to a '.pkl' file; name the output .safetensors, .npy, .npz, .h5, .pt or .keras, or give a folder for sharded safetensors")
        }
        let existing = try scratch.file("shards", contents: "old".utf8)
        XCTAssertThrowsError(try Conversion(input: Fixtures.path("demo/finetune-1.safetensors"), output: existing).run()) { error in
            XCTAssertEqual("\(error)", "\(existing) is a file without an extension, which names no format to write; name the output .safetensors, .npy, .npz, .h5, .pt or .keras, or give a folder for sharded safetensors")
        }
        XCTAssertEqual(try scratch.bytes("shards"), Array("old".utf8))
    }

    func testAnOutputWithoutAnExtensionThatIsADeviceOrFIFOIsNamedAsSuch() throws {
        // Regression: `-o /dev/null` was "a file without an extension, which names no format".
        XCTAssertThrowsError(try FormatRegistry.standard.writer(for: "/dev/null")) { error in
            XCTAssertEqual(error as? TensorStoreError, .outputIsSpecialFile(path: "/dev/null", kind: .characterDevice))
        }
        let fifo = folder + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertThrowsError(try FormatRegistry.standard.writer(for: fifo)) { error in
            XCTAssertEqual(error as? TensorStoreError, .outputIsSpecialFile(path: fifo, kind: .fifo))
        }
    }

    func testAOneFileOutputEndingInASlashSaysSo() throws {
        // Regression: `-o y.h5/` failed at the write with "cannot write: Not a directory".
        for name in ["y.h5/", "y.npz/"] {
            let output = folder + "/" + name
            XCTAssertThrowsError(try FormatRegistry.standard.writer(for: output)) { error in
                XCTAssertEqual(error as? TensorStoreError, .oneFileOutputEndsInSlash(path: output))
                XCTAssertTrue("\(error)".hasPrefix("\(output) ends in '/', which names a folder, but its extension names one file"), "\(error)")
            }
        }
    }

    func testAFolderInputThatHoldsNoCheckpointSaysWhichFoldersAreRead() throws {
        // Regression: an empty folder was "cannot tell the checkpoint format from the extension or the first bytes".
        let empty = folder + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        XCTAssertThrowsError(try FormatRegistry.standard.open(empty)) { error in
            XCTAssertEqual(error as? TensorStoreError, .unknownFolder(path: empty, isEmpty: true, known: ["huggingface", "safetensors", "pytorch"]))
            XCTAssertTrue("\(error)".hasPrefix("\(empty) is an empty folder; "), "\(error)")
        }
        let notes = folder + "/notes"
        try FileManager.default.createDirectory(atPath: notes, withIntermediateDirectories: false)
        _ = try scratch.file("notes/readme.txt", contents: "hello".utf8)
        XCTAssertThrowsError(try FormatRegistry.standard.open(notes)) { error in
            XCTAssertEqual(error as? TensorStoreError, .unknownFolder(path: notes, isEmpty: false, known: ["huggingface", "safetensors", "pytorch"]))
            XCTAssertTrue("\(error)".hasSuffix("the formats that read folders: huggingface, safetensors, pytorch"), "\(error)")
        }
    }

    func testFolderOutputsAreShardedSafetensors() throws {
        XCTAssertEqual(try FormatRegistry.standard.writer(for: folder + "/shards/").format.name, "safetensors")
        // (review) a safetensors name ending in "/" is a folder of shards, not a one-file output refused.
        let named = try FormatRegistry.standard.writer(for: folder + "/model.safetensors/")
        XCTAssertEqual(named.format.name, "safetensors")
        XCTAssertTrue(named.writer.writesFolder(at: folder + "/model.safetensors/", options: WriteOptions()))
        XCTAssertEqual(try FormatRegistry.standard.writer(for: folder + "/shards").format.name, "safetensors")
    }

    func testConversionRefusesToOverwriteWithoutForce() throws {
        let output = try scratch.file("out.safetensors", contents: "keep".utf8)
        let conversion = Conversion(input: Fixtures.path("safetensors/scalar_and_empty.safetensors"), output: output)
        XCTAssertThrowsError(try conversion.run()) { XCTAssertEqual($0 as? TensorStoreError, .outputExists(path: output)) }
        XCTAssertEqual(FileManager.default.contents(atPath: output), Data("keep".utf8))
    }

    func testConversionRefusesAnOutputThatIsItsInputHoweverItIsSpelled() throws {
        let original = try Fixtures.bytes("safetensors/scalar_and_empty.safetensors")
        let input = try scratch.file("model.safetensors", contents: original)
        for output in [input, folder + "/./model.safetensors", folder + "/missing/../model.safetensors"] {
            var conversion = Conversion(input: input, output: output)
            conversion.force = true
            XCTAssertThrowsError(try conversion.run(), output) { error in
                guard case .outputIsInput(output)? = error as? TensorStoreError else { return XCTFail("\(output): \(error)") }
            }
        }
        var intoItsFolder = Conversion(input: input, output: folder)
        intoItsFolder.force = true
        XCTAssertThrowsError(try intoItsFolder.run()) { error in
            XCTAssertEqual(error as? TensorStoreError, .inputInsideOutput(path: folder, input: input))
        }
        XCTAssertEqual(try scratch.bytes("model.safetensors"), original)
    }

    /// The library's own refusal of write options the output ignores (the CLI refuses them as
    /// usage errors first): for a conversion, a partitioned conversion and, before reading any
    /// input, a soup.
    func testWriteOptionsTheOutputIgnoresAreRefused() throws {
        let input = Fixtures.path("safetensors/scalar_and_empty.safetensors")
        var toSafetensors = Conversion(input: input, output: folder + "/out.safetensors")
        toSafetensors.writeOptions = WriteOptions(compress: true)
        XCTAssertThrowsError(try toSafetensors.run()) { error in
            let refusal = error as? UnusedWriteOptionError
            XCTAssertEqual(refusal?.output, self.folder + "/out.safetensors")
            XCTAssertEqual(refusal?.writtenAs, "safetensors")
            XCTAssertEqual(refusal?.option, .compress)
        }
        // Regression: the library named a sharded output by its files' format.
        var sharded = Conversion(input: input, output: folder + "/sharded/")
        sharded.writeOptions = WriteOptions(compress: true)
        XCTAssertThrowsError(try sharded.run()) { XCTAssertEqual(($0 as? UnusedWriteOptionError)?.writtenAs, "a folder of safetensors shards") }
        var partitioned = Conversion(input: input, output: folder + "/shards")
        partitioned.writeOptions = WriteOptions(maxShardSize: 1 << 20, layout: .keras)
        partitioned.partition = try Partition(index: 0, count: 2)
        XCTAssertThrowsError(try partitioned.run()) { error in
            XCTAssertEqual((error as? UnusedWriteOptionError)?.writtenAs, "a folder of safetensors shards")
            XCTAssertEqual((error as? UnusedWriteOptionError)?.option, .layout)
        }
        var soup = SoupJob(ingredients: [folder + "/missing.safetensors"], recipe: try .uniform(count: 1), output: folder + "/soup.npz")
        soup.writeOptions = WriteOptions(maxShardSize: 1 << 20)
        XCTAssertThrowsError(try soup.run()) { error in
            XCTAssertEqual((error as? UnusedWriteOptionError)?.option, .maxShardSize, "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [])
    }

    func testSoupJobWritesTheMeanOfTheBundledFineTunes() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("demo")).filter { $0.hasPrefix("finetune-") }
        let ingredients = names.sorted().map { Fixtures.path("demo/" + $0) }
        XCTAssertGreaterThan(ingredients.count, 1)
        let output = folder + "/soup.safetensors"
        var job = SoupJob(ingredients: ingredients, recipe: try .uniform(count: ingredients.count), output: output)
        job.readOptions = ReadOptions(assumedVoidTypes: [.bf16])
        let report = try job.run()
        XCTAssertEqual(report.mergedTensors, 6)
        XCTAssertEqual(report.copiedTensors, 1)
        XCTAssertTrue(report.nonFinite.isZero)
        let soup = try FormatRegistry.standard.open(output)
        XCTAssertEqual(soup.infos, try FormatRegistry.standard.open(ingredients[0]).infos)
    }
}
