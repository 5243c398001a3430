import Foundation
import Soup
import TureenCore
import Tureen
import XCTest

/// The library facade: format choice, output policy, conversions and soups from paths to paths.
final class FacadeTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").path
    private var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "tureen-facade-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func testRegistryRecognisesSafetensorsByContentWhateverTheExtension() throws {
        let renamed = folder + "/weights.bin"
        try FileManager.default.copyItem(atPath: Self.fixtures + "/safetensors/all_dtypes.safetensors", toPath: renamed)
        XCTAssertEqual(try FormatRegistry.standard.formatForReading(renamed).name, "safetensors")
    }

    func testRegistryNamesTheFileAndTheKnownFormatsWhenItCannotTell() throws {
        let unknown = folder + "/notes.txt"
        _ = FileManager.default.createFile(atPath: unknown, contents: Data("hello".utf8))
        XCTAssertThrowsError(try FormatRegistry.standard.open(unknown)) { error in
            XCTAssertTrue("\(error)".contains(unknown))
            XCTAssertTrue("\(error)".contains("safetensors"))
        }
        XCTAssertThrowsError(try FormatRegistry.standard.writer(for: folder + "/out.pt")) { XCTAssertTrue("\($0)".contains("out.pt")) }
    }

    func testFolderOutputsAreShardedSafetensors() throws {
        XCTAssertEqual(try FormatRegistry.standard.writer(for: folder + "/shards/").format.name, "safetensors")
        XCTAssertEqual(try FormatRegistry.standard.writer(for: folder + "/shards").format.name, "safetensors")
    }

    func testConversionRefusesToOverwriteWithoutForce() throws {
        let output = folder + "/out.safetensors"
        _ = FileManager.default.createFile(atPath: output, contents: Data("keep".utf8))
        let conversion = Conversion(input: Self.fixtures + "/safetensors/scalar_and_empty.safetensors", output: output)
        XCTAssertThrowsError(try conversion.run()) { XCTAssertTrue("\($0)".contains("--force")) }
        XCTAssertEqual(FileManager.default.contents(atPath: output), Data("keep".utf8))
    }

    func testSoupJobWritesTheMeanOfTheBundledFineTunes() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures + "/demo").filter { $0.hasPrefix("finetune-") }
        let ingredients = names.sorted().map { Self.fixtures + "/demo/" + $0 }
        XCTAssertGreaterThan(ingredients.count, 1)
        let output = folder + "/soup.safetensors"
        var job = SoupJob(ingredients: ingredients, recipe: try .uniform(count: ingredients.count), output: output)
        job.readOptions = ReadOptions(assumedVoidType: .bf16)
        let report = try job.run()
        XCTAssertEqual(report.mergedTensors, 6)
        XCTAssertEqual(report.copiedTensors, 1)
        XCTAssertTrue(report.nonFinite.isZero)
        let soup = try FormatRegistry.standard.open(output)
        XCTAssertEqual(soup.infos, try FormatRegistry.standard.open(ingredients[0]).infos)
    }
}
