import HDF5
import TureenCore
import Zip

/// The members of a Keras 3 `.keras` archive (`model.save("m.keras")`): `metadata.json`,
/// `config.json`, the weights as a stored HDF5 file `model.weights.h5`, and `assets/…` for
/// layers that keep files. Parsed with the zip directory reader, so truncation, duplicate and
/// overlapping members and zip bombs are refused as they are for every zip.
struct KerasArchive {
    static let weightsName = "model.weights.h5"
    static let configurationName = "config.json"
    static let metadataName = "metadata.json"
    /// The names a `.keras` archive's first member has, as Keras writes it or as `zip` orders it.
    static let firstMemberNames: Set<String> = [metadataName, configurationName, weightsName, "model.weights.npz"]

    /// The input file.
    let file: MappedFile
    /// Every member, in the central directory's order.
    let members: [ZipMember]
    /// The stored `model.weights.h5`.
    let weights: ZipMember

    /// Parses the archive at `file`.
    ///
    /// - Throws: `ZipError` for a malformed archive; `KerasError.missingMember` without
    ///   `config.json`, `metadata.json` or `model.weights.h5`; `.unsupportedWeights` for npz
    ///   weights; `.compressedMember` for compressed weights.
    init(_ file: MappedFile) throws {
        let path = file.path
        let members = try file.withBytesLoadedOnDemand { bytes, load in try ZipDirectory.parse(bytes, path: path, load: load) }
        let names = members.map(\.name)
        for required in [Self.configurationName, Self.metadataName] where !names.contains(required) {
            throw KerasError.missingMember(path: path, member: required, members: names)
        }
        guard let weights = members.first(where: { $0.name == Self.weightsName }) else {
            if let other = names.first(where: { $0.hasPrefix("model.weights") }) { throw KerasError.unsupportedWeights(path: path, member: other) }
            throw KerasError.missingMember(path: path, member: Self.weightsName, members: names)
        }
        guard weights.method == .stored else {
            throw KerasError.compressedMember(path: path, member: weights.name, method: weights.method.rawValue)
        }
        self.file = file
        self.members = members
        self.weights = weights
    }

    /// The weights member's bytes, as an HDF5 file named after the archive and the member.
    ///
    /// - Throws: `TensorStoreError.rangeOutsideFile` (the directory parser has checked it is not).
    func weightsRegion() throws -> HDF5FileRegion {
        try HDF5FileRegion(weights.dataOffset..<(weights.dataOffset + weights.uncompressedSize), of: file, label: "\(file.path): member '\(weights.name)'")
    }

    /// Whether `prefix` starts like a `.keras` archive: a zip whose first member is one a Keras
    /// archive starts with (an `.npz` starts with a `.npy` member, a PyTorch file with `…/data.pkl`).
    static func recognizes(_ prefix: [UInt8]) -> Bool {
        guard prefix.count >= 30, prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) else { return false }
        let nameLength = Int(prefix[26]) | Int(prefix[27]) << 8
        guard 30 + nameLength <= prefix.count else { return false }
        let name = String(decoding: prefix[30..<(30 + nameLength)], as: UTF8.self)
        return firstMemberNames.contains(name) || name.hasPrefix("assets/")
    }
}
