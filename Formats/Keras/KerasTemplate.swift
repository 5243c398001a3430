import TureenCore
import Zip

/// What a `.keras` output takes from a `.keras` input: every member but the weights
/// (`metadata.json`, `config.json`, `assets/…`), copied as they are, and the model's variables
/// (names and shapes), which the written weights must match for Keras to load them.
public struct KerasTemplate: Sendable {
    /// The archive the members come from.
    public let path: String
    /// The members copied into the output, in the archive's order.
    let copied: [ZipMember]
    /// The variables of the template's model, by tensor name.
    let shapes: [String: [Int]]
    private let file: MappedFile

    /// The template of `store`, a `.keras` archive Tureen has opened, for writing `output`.
    ///
    /// - Throws: `KerasError.needsModelConfiguration` if `store` is not a `.keras` archive, the
    ///   archive's errors, or `KerasError.compressedMember` for a compressed member to copy.
    public init(store: TensorStore, output: String) throws {
        guard store.formatName == .keras else { throw KerasError.needsModelConfiguration(output: output, firstInput: store.location) }
        let archive = try KerasArchive(try MappedFile(path: store.location))
        copied = archive.members.filter { $0.name != KerasArchive.weightsName && !($0.name.hasSuffix("/") && $0.uncompressedSize == 0) }
        if let compressed = copied.first(where: { $0.method != .stored }) {
            throw KerasError.compressedMember(path: store.location, member: compressed.name, method: compressed.method.rawValue)
        }
        path = store.location
        file = archive.file
        shapes = Dictionary(store.infos.map { ($0.name, $0.shape) }, uniquingKeysWith: { first, _ in first })
    }

    /// Checks that `tensors` are exactly the template model's variables, with their shapes.
    ///
    /// - Throws: `KerasError.weightsDoNotMatchConfiguration` naming the first difference.
    func check(_ tensors: [TensorInfo], output: String) throws {
        func mismatch(_ detail: String) -> KerasError { .weightsDoNotMatchConfiguration(output: output, template: path, detail: detail) }
        for info in tensors {
            guard let shape = shapes[info.name] else { throw mismatch("tensor '\(info.name)' is not one of the model's variables") }
            guard shape == info.shape else { throw mismatch("tensor '\(info.name)' has shape \(info.shape), the model's variable \(shape)") }
        }
        let written = Set(tensors.map(\.name))
        if let missing = shapes.keys.sorted().first(where: { !written.contains($0) }) {
            throw mismatch("the model's variable '\(missing)' is missing")
        }
    }

    /// Copies the template's members into `archive`, read from the template with `pread`.
    func copyMembers(into archive: ZipArchiveWriter) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        for member in copied {
            try archive.beginMember(name: member.name, uncompressedSize: member.uncompressedSize, compress: false)
            var offset = 0
            while offset < member.uncompressedSize {
                let count = min(buffer.count, member.uncompressedSize - offset)
                try buffer.withUnsafeMutableBytes { bytes in
                    let piece = UnsafeMutableRawBufferPointer(rebasing: bytes[0..<count])
                    try file.read((member.dataOffset + offset)..<(member.dataOffset + offset + count), into: piece)
                    try archive.write(UnsafeRawBufferPointer(piece))
                }
                offset += count
            }
            try archive.finishMember()
        }
    }
}
