import Safetensors
import TureenCore

/// Writes a model folder: the weights as safetensors (`model.safetensors`, or shards and an index
/// when a shard size is given) and the configuration folder's other files, copied, with the dtype
/// fields of `config.json` set to the weights' dtype. The folder is assembled beside its
/// destination and put in place in one step (`OutputFolder`); an existing folder is replaced only
/// if it holds nothing but files this writer writes.
package struct ModelFolderWriter: CheckpointWriter {
    /// A shard size (the weights in shards).
    package var usedOptions: Set<WriteOptions.Choice> { [.maxShardSize] }

    package func writesFolder(at path: String, options: WriteOptions) -> Bool { true }

    /// The files copied beside the weights.
    package let companions: CompanionFiles
    private static let copyBufferSize = 1 << 20

    /// A writer taking the other files from `companions`.
    package init(companions: CompanionFiles) {
        self.companions = companions
    }

    package func write(_ content: any TensorProducer, to path: String, options: WriteOptions) throws {
        let folder = try OutputFolder(destination: path, isOwned: companions.isOwned)
        try SafetensorsWriter.write(content, into: folder, maxShardSize: options.maxShardSize)
        for name in companions.copied {
            let output = try folder.file(named: name)
            if name == ModelFolder.configName {
                try output.write(configUpdate(for: content.tensors)?.bytes ?? companions.configBytes)
            } else {
                try Self.copy(companions.folder + "/" + name, to: output)
            }
            try output.commit()
        }
        try folder.commit()
    }

    /// The new `config.json` and the dtype names it replaces, when the weights' dtype is not the one it names.
    package func configUpdate(for tensors: [TensorInfo]) -> (bytes: [UInt8], replaced: [String], dtype: String)? {
        guard let dtype = ConfigDType.modelDType(of: tensors), let name = ConfigDType.torchName(of: dtype),
              let update = ConfigDType.rewriting(companions.configBytes, to: name)
        else { return nil }
        return (update.bytes, update.replaced, name)
    }

    private static func copy(_ path: String, to output: OutputFile) throws {
        let file = try MappedFile(path: path)
        var buffer = [UInt8](repeating: 0, count: min(file.count, copyBufferSize))
        var offset = 0
        while offset < file.count {
            let count = min(buffer.count, file.count - offset)
            try buffer.withUnsafeMutableBytes { bytes in
                let piece = UnsafeMutableRawBufferPointer(rebasing: bytes[0..<count])
                try file.read(offset..<(offset + count), into: piece)
                try output.write(UnsafeRawBufferPointer(piece))
            }
            offset += count
        }
    }
}
