import TureenCore

/// A Hugging Face model folder: a `config.json` beside weights that transformers loads. Files may
/// be links (a Hugging Face cache snapshot links every file into `blobs/`): they are read through.
struct ModelFolder {
    static let configName = "config.json"

    /// The weights read.
    let weights: ModelWeights
    /// Weight files present beside them and not read (a `.bin` beside safetensors).
    let unreadWeights: [ModelWeights]

    /// Whether `folder` is a model folder: it has a `config.json` and transformers' weight names,
    /// or a `config.json` and no other safetensors files (a folder of differently named shards
    /// stays a plain sharded safetensors folder).
    static func recognizes(_ folder: String) -> Bool {
        guard let names = try? FileSystem.contents(of: folder), names.contains(configName) else { return false }
        return names.contains { ModelWeights(rawValue: $0) != nil }
            || !names.contains { $0.hasSuffix(".safetensors") || $0.hasSuffix(".index.json") }
    }

    /// Finds the weights of the model folder at `path`, preferring safetensors as transformers does.
    ///
    /// - Throws: `HuggingFaceError.noWeights`, or `TensorStoreError.cannotOpen` if the folder cannot be listed.
    init(path: String) throws {
        let names = Set(try FileSystem.contents(of: path))
        let present = ModelWeights.allCases.filter { names.contains($0.fileName) && FileSystem.isRegularFile(path + "/" + $0.fileName) }
        guard let chosen = present.first else {
            throw HuggingFaceError.noWeights(folder: path, lookedFor: ModelWeights.allCases.map(\.fileName))
        }
        weights = chosen
        unreadWeights = Array(present.dropFirst())
    }

    /// What the reader says about its choice, when there was one to make.
    var notes: [String] {
        guard !unreadWeights.isEmpty else { return [] }
        let others = unreadWeights.map(\.fileName).joined(separator: " and ")
        let reason = weights.isSafetensors && unreadWeights.contains { !$0.isSafetensors } ? "safetensors is preferred, as transformers prefers it" : "transformers reads it first"
        return ["read \(weights.fileName); \(others) beside it \(unreadWeights.count == 1 ? "is" : "are") not read (\(reason))"]
    }
}
