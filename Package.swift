// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Tureen",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tureen", targets: ["TureenCLI"]),
        .library(name: "Tureen", targets: ["Tureen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "TensorStore", path: "Sources/TensorStore"),
        .target(name: "Soup", dependencies: ["TensorStore"], path: "Sources/Soup"),
        .target(name: "Safetensors", dependencies: ["TensorStore"], path: "Formats/Safetensors"),
        .systemLibrary(name: "CZlib", path: "Formats/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "NumPy", dependencies: ["TensorStore", "CZlib"], path: "Formats/NumPy"),
        .target(
            name: "Tureen",
            dependencies: ["TensorStore", "Soup", "Safetensors", "NumPy"],
            path: "Sources/Tureen"
        ),
        .executableTarget(
            name: "TureenCLI",
            dependencies: ["Tureen", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/TureenCLI"
        ),
        .testTarget(name: "TensorStoreTests", dependencies: ["TensorStore"], path: "Tests/TensorStoreTests"),
        .testTarget(name: "SafetensorsTests", dependencies: ["Safetensors"], path: "Tests/SafetensorsTests"),
        .testTarget(name: "NumPyTests", dependencies: ["NumPy"], path: "Tests/NumPyTests"),
        .testTarget(name: "SoupTests", dependencies: ["Soup", "Tureen"], path: "Tests/SoupTests"),
        .testTarget(name: "TureenCLITests", dependencies: ["Tureen"], path: "Tests/TureenCLITests"),
    ],
    swiftLanguageModes: [.v5]
)
