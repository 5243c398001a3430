// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Tureen",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tureen", targets: ["TureenCLI"]),
        .library(name: "Tureen", targets: ["Tureen", "Compare"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "TensorStore", path: "Sources/TensorStore"),
        .target(name: "Compare", dependencies: ["TensorStore"], path: "Sources/Compare"),
        .target(name: "Soup", dependencies: ["TensorStore", "Compare"], path: "Sources/Soup"),
        .target(name: "Safetensors", dependencies: ["TensorStore"], path: "Formats/Safetensors"),
        .systemLibrary(name: "CHDF5", path: "Formats/CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CZlib", path: "Formats/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "HDF5", dependencies: ["TensorStore", "CHDF5"], path: "Formats/HDF5"),
        .target(name: "NumPy", dependencies: ["TensorStore", "CZlib"], path: "Formats/NumPy"),
        .target(
            name: "Tureen",
            dependencies: ["TensorStore", "Soup", "Safetensors", "NumPy", "HDF5"],
            path: "Sources/Tureen"
        ),
        .executableTarget(
            name: "TureenCLI",
            dependencies: ["Tureen", "Soup", "Compare", "TensorStore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/TureenCLI"
        ),
        .testTarget(name: "TensorStoreTests", dependencies: ["TensorStore"], path: "Tests/TensorStoreTests"),
        .testTarget(name: "SafetensorsTests", dependencies: ["Safetensors"], path: "Tests/SafetensorsTests"),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "Safetensors"], path: "Tests/HDF5Tests"),
        .testTarget(name: "NumPyTests", dependencies: ["NumPy"], path: "Tests/NumPyTests"),
        .testTarget(name: "SoupTests", dependencies: ["Soup", "Tureen"], path: "Tests/SoupTests"),
        .testTarget(name: "CompareTests", dependencies: ["Compare", "Tureen"], path: "Tests/CompareTests"),
        .testTarget(name: "TureenCLITests", dependencies: ["Tureen"], path: "Tests/TureenCLITests"),
    ],
    swiftLanguageModes: [.v5]
)
