import TureenCore

extension CheckpointFormat.Name {
    /// safetensors, single files and sharded folders alike.
    public static let safetensors: Self = "safetensors"
}

extension CheckpointFormat {
    /// safetensors: single files, sharded folders and `*.safetensors.index.json`.
    public static let safetensors = CheckpointFormat(
        name: .safetensors,
        fileExtensions: ["safetensors", "safetensors.index.json"],
        recognizesPrefix: { SafetensorsReader.recognizes($0) },
        recognizesDirectory: { folder in
            let names = (try? FileSystem.contents(of: folder)) ?? []
            return names.contains { $0.hasSuffix(".safetensors") || $0.hasSuffix(ShardedSafetensors.indexSuffix) }
        },
        reader: SafetensorsReader(),
        writer: SafetensorsWriter(),
        writesDirectories: true
    )
}
