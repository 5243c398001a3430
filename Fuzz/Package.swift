// swift-tools-version:6.0
// Coverage-guided fuzzing of Tureen's parsers with libFuzzer, kept out of the main build: `make fuzz`
// builds each harness with `-sanitize=fuzzer,address` and runs it seeded from Fixtures/. The
// parsers are reached through the facade's `@_spi(Fuzzing)` entry points, since this package
// cannot see the main package's `package` declarations.
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which differs between checkouts.
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
let harnesses = ["FuzzSafetensorsHeader", "FuzzShardedIndex", "FuzzNpyHeader", "FuzzZipArchive", "FuzzPyTorchCheckpoint", "FuzzGGUFHeader"]

let package = Package(
    name: "TureenFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzHarness", dependencies: [.product(name: "Tureen", package: mainPackage)]),
    ] + harnesses.map { name in
        .executableTarget(name: name, dependencies: ["FuzzHarness"], path: "Sources/\(name)")
    },
    swiftLanguageModes: [.v6]
)
