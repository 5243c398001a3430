import TureenCore

extension CheckpointFormat.Name {
    /// Keras 3 `.keras` archives.
    public static let keras: Self = "keras"
}

extension CheckpointFormat {
    /// Keras 3 `.keras` archives: read in place; written with the configuration of a `.keras`
    /// input (`KerasWriter(template:)`, which the facade makes for a `.keras` output).
    public static let keras = CheckpointFormat(
        name: .keras,
        fileExtensions: ["keras"],
        recognizesPrefix: { KerasArchive.recognizes($0) },
        reader: KerasReader(),
        writer: KerasWriter()
    )
}
