import Safetensors
import TureenCore

/// The files a model folder output takes from its configuration folder: every file but weights.
/// Weights of any format are left out (the output's weights are its own safetensors), and so are
/// hidden files, subfolders and anything but regular files; links are read through.
package struct CompanionFiles: Sendable {
    /// A file left out, and why.
    package struct Skipped: Sendable, Equatable {
        package let name: String
        package let reason: String
    }

    /// File name endings of weights and checkpoints, which a model folder output never copies.
    static let weightExtensions: Set<String> = [
        "safetensors", "bin", "pt", "pth", "ckpt", "h5", "hdf5", "keras", "msgpack", "gguf", "onnx", "npz", "npy", "tflite", "ot",
    ]

    /// The configuration folder.
    package let folder: String
    /// The names copied, `config.json` among them.
    package let copied: [String]
    /// What is left out and why, except the folder's own safetensors weights (replaced by the output's).
    package let skipped: [Skipped]
    /// The bytes of `config.json`.
    package let configBytes: [UInt8]

    /// Lists the files of the model folder at `folder`.
    ///
    /// - Throws: `HuggingFaceError.notAModelFolder` without a `config.json`; errors reading it.
    package init(folder: String) throws {
        let configPath = folder + "/" + ModelFolder.configName
        guard FileSystem.isRegularFile(configPath) else { throw HuggingFaceError.notAModelFolder(path: folder) }
        var copied: [String] = []
        var skipped: [Skipped] = []
        for name in try FileSystem.contents(of: folder) {
            let path = folder + "/" + name
            if Self.isWeights(name) {
                if !(name.hasSuffix(".safetensors") || name.hasSuffix(".safetensors.index.json")) {
                    skipped.append(Skipped(name: name, reason: "weights or checkpoint data; the output's weights are safetensors"))
                }
            } else if name.hasPrefix(".") {
                skipped.append(Skipped(name: name, reason: "a hidden file"))
            } else if FileSystem.isDirectory(path) {
                skipped.append(Skipped(name: name, reason: "a folder"))
            } else if !FileSystem.isRegularFile(path) {
                skipped.append(Skipped(name: name, reason: "not a regular file"))
            } else {
                copied.append(name)
            }
        }
        self.folder = folder
        self.copied = copied
        self.skipped = skipped
        self.configBytes = try ModelConfig(path: configPath).bytes
    }

    /// Whether a model folder output with these files writes an entry called `name`: weights, an
    /// index, or a copied file. `--force` replaces a folder only if it holds nothing else.
    package func isOwned(_ name: String) -> Bool {
        SafetensorsWriter.writesFolderEntry(name) || copied.contains(name)
    }

    /// The files read: no output may replace them or be written among them.
    package var sourcePaths: [String] { [folder] + copied.map { folder + "/" + $0 } }

    /// Whether `name` is a weight or checkpoint file, or the index of sharded ones.
    static func isWeights(_ name: String) -> Bool {
        let lowered = name.lowercased()
        let stem = lowered.hasSuffix(".index.json") ? String(lowered.dropLast(".index.json".count)) : lowered
        guard let dot = stem.lastIndex(of: "."), dot != stem.startIndex else { return false }
        return weightExtensions.contains(String(stem[stem.index(after: dot)...]))
    }
}
