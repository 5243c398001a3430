// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Tureen",
    products: [
        .executable(name: "tureen", targets: ["TureenCLI"]),
        .library(name: "Tureen", targets: ["Tureen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "CTureenSystem", path: "Sources/CTureenSystem"),
        .target(
            name: "TureenCore",
            dependencies: ["CTureenSystem", .product(name: "SystemPackage", package: "swift-system")],
            path: "Sources/TureenCore"
        ),
        .target(name: "Compare", dependencies: ["TureenCore"], path: "Sources/Compare"),
        .target(name: "Soup", dependencies: ["TureenCore", "Compare"], path: "Sources/Soup"),
        // mergekit's YAML configurations; the one target that reads YAML.
        .target(
            name: "MergeConfig", dependencies: ["Soup", .product(name: "Yams", package: "Yams"), .product(name: "SystemPackage", package: "swift-system")],
            path: "Sources/MergeConfig"),
        .target(name: "Safetensors", dependencies: ["TureenCore"], path: "Formats/Safetensors"),
        .systemLibrary(name: "CHDF5", path: "Formats/CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CZlib", path: "Formats/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "HDF5", dependencies: ["TureenCore", "CHDF5"], path: "Formats/HDF5"),
        .target(name: "Zip", dependencies: ["TureenCore", "CZlib"], path: "Formats/Zip"),
        .target(name: "NumPy", dependencies: ["TureenCore", "Zip", "CZlib", .product(name: "SystemPackage", package: "swift-system")], path: "Formats/NumPy"),
        // PyTorch reads sharded `.bin` folders through the safetensors index reader (`ShardedIndex`).
        .target(name: "PyTorch", dependencies: ["TureenCore", "Zip", "Safetensors"], path: "Formats/PyTorch"),
        .target(name: "GGUF", dependencies: ["TureenCore"], path: "Formats/GGUF"),
        // Model folders read their weights with the safetensors and PyTorch readers and write safetensors.
        .target(name: "HuggingFace", dependencies: ["TureenCore", "Safetensors", "PyTorch"], path: "Formats/HuggingFace"),
        // A `.keras` archive is a zip storing an HDF5 file: read through the zip directory and the HDF5 reader.
        .target(name: "Keras", dependencies: ["TureenCore", "Zip", "HDF5"], path: "Formats/Keras"),
        .target(
            name: "Tureen",
            // Crypto: the SHA-256 of partitioned runs' plan ids and shard checksums.
            dependencies: ["TureenCore", "Compare", "Soup", "MergeConfig", "Safetensors", "NumPy", "HDF5", "PyTorch", "GGUF", "HuggingFace", "Keras",
                           .product(name: "SystemPackage", package: "swift-system"), .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Tureen"
        ),
        // The git commit and CPU features `tureen --version` prints.
        .target(name: "CTureenBuildInfo", path: "Sources/CTureenBuildInfo"),
        .executableTarget(
            name: "TureenCLI",
            dependencies: ["Tureen", "CTureenBuildInfo", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/TureenCLI"
        ),
        // Test helpers shared by every test target (fixture paths, scratch folders, in-memory stores
        // and producers, running the binary), as swift-collections' _CollectionsTestSupport.
        .target(name: "TureenTestSupport", dependencies: ["TureenCore"], path: "Tests/TureenTestSupport"),
        .testTarget(name: "TureenCoreTests", dependencies: ["TureenCore", "TureenTestSupport"], path: "Tests/TureenCoreTests"),
        .testTarget(name: "SafetensorsTests", dependencies: ["Safetensors", "TureenTestSupport"], path: "Tests/SafetensorsTests"),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "Safetensors", "TureenTestSupport"], path: "Tests/HDF5Tests"),
        .testTarget(name: "NumPyTests", dependencies: ["NumPy", "Zip", "TureenTestSupport"], path: "Tests/NumPyTests"),
        .testTarget(name: "PyTorchTests", dependencies: ["PyTorch", "TureenTestSupport"], path: "Tests/PyTorchTests"),
        .testTarget(name: "HuggingFaceTests", dependencies: ["HuggingFace", "TureenTestSupport"], path: "Tests/HuggingFaceTests"),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF", "TureenTestSupport"], path: "Tests/GGUFTests"),
        .testTarget(name: "KerasTests", dependencies: ["Keras", "HDF5", "Zip", "TureenTestSupport"], path: "Tests/KerasTests"),
        .testTarget(name: "SoupTests", dependencies: ["Soup", "TureenTestSupport"], path: "Tests/SoupTests"),
        .testTarget(name: "MergeConfigTests", dependencies: ["MergeConfig", "TureenTestSupport"], path: "Tests/MergeConfigTests"),
        .testTarget(name: "CompareTests", dependencies: ["Compare", "Tureen", "TureenTestSupport"], path: "Tests/CompareTests"),
        .testTarget(name: "TureenTests", dependencies: ["Tureen", "TureenTestSupport"], path: "Tests/TureenTests"),
        .testTarget(name: "TureenCLITests", dependencies: ["TureenTestSupport"], path: "Tests/TureenCLITests"),
    ],
    swiftLanguageModes: [.v6]
)
