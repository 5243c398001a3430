import TureenCore

extension CheckpointFormat.Name {
    /// NumPy `.npy`.
    public static let npy: Self = "npy"
    /// NumPy `.npz`.
    public static let npz: Self = "npz"
}

extension CheckpointFormat {
    /// NumPy `.npy`: one array per file.
    public static let npy = CheckpointFormat(
        name: .npy,
        fileExtensions: ["npy"],
        recognizesPrefix: { NpyReader.recognizes($0) },
        reader: NpyReader(),
        writer: NpyWriter()
    )

    /// NumPy `.npz`: a zip of `.npy` arrays, stored or deflated.
    public static let npz = CheckpointFormat(
        name: .npz,
        fileExtensions: ["npz"],
        recognizesPrefix: { NpzReader.recognizes($0) },
        reader: NpzReader(),
        writer: NpzWriter()
    )
}
