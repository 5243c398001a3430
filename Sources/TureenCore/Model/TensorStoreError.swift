import SystemPackage

/// Errors raised by the core: files that cannot be opened, mapped or written, sizes that overflow,
/// and formats the registry cannot tell apart. System call failures carry their `Errno`, so a
/// caller can match `.noSpace` or `.noSuchFileOrDirectory`.
public enum TensorStoreError: Error, CustomStringConvertible, Equatable {
    /// The file or folder could not be opened.
    case cannotOpen(path: String, errno: Errno)
    /// The path names something other than a regular file where a file was expected.
    case notARegularFile(path: String)
    /// The file could not be mapped into memory.
    case cannotMap(path: String, errno: Errno)
    /// Reading the file failed.
    case cannotRead(path: String, errno: Errno)
    /// The file ended before a byte it had when it was opened: it was truncated meanwhile.
    case truncatedWhileReading(path: String, endedAt: Int)
    /// A byte range named by the file's own layout lies outside the file.
    case rangeOutsideFile(path: String, range: Range<Int>, fileSize: Int)
    /// A tensor's size, computed from its shape and dtype, does not fit in memory addresses.
    case sizeOverflow(path: String, tensor: String, detail: String)
    /// A tensor's shape is not valid for its dtype or data.
    case invalidShape(path: String, tensor: String, detail: String)
    /// Two tensors of one checkpoint have the same name.
    case duplicateTensor(path: String, tensor: String)
    /// Neither the extension nor the first bytes say which format the file is in.
    case unknownFormat(path: String, known: [String])
    /// A folder input that no format reads: it holds no checkpoint files Tureen knows (or nothing);
    /// `known` are the formats that read folders.
    case unknownFolder(path: String, isEmpty: Bool, known: [String])
    /// The output's name says no format Tureen writes: an extension no writer uses, or an existing
    /// file without an extension; `extensions` are the ones written.
    case unknownOutputFormat(path: String, extensions: [String])
    /// The output's name ends in `/`, a folder, but its extension names a format written as one file.
    case oneFileOutputEndsInSlash(path: String)
    /// The output's format is read-only in Tureen.
    case formatCannotWrite(path: String, format: String)
    /// The output exists and replacing it was not asked for.
    case outputExists(path: String)
    /// An input's or the output's path is the empty string.
    case emptyPath(isOutput: Bool)
    /// `--force` was given, but the output is a folder where one file is written, or a file where a folder is.
    case outputOfOtherKind(path: String, existingIsFolder: Bool)
    /// `--force` was given, but the output's path is a symbolic link to `target`, which does not
    /// exist, and a folder is written there.
    case outputIsLinkToNothing(path: String, target: String)
    /// The output's path is a FIFO, a device or a socket, which no output replaces.
    case outputIsSpecialFile(path: String, kind: SpecialFileKind)
    /// The output path names one of the inputs.
    case outputIsInput(path: String)
    /// Two of a command's outputs (the soup, a plot, a weights file) are given one path.
    case outputNamedTwice(path: String)
    /// A key was to be selected in a checkpoint whose tensors are not nested.
    case nothingToSelect(path: String, key: String, format: String)
    /// Writing the output failed.
    case cannotWrite(path: String, errno: Errno)
    /// An input file lies inside the output folder, which replacing the folder would remove.
    case inputInsideOutput(path: String, input: String)
    /// The output would be written inside a folder that is an input.
    case outputInsideInput(path: String, folder: String)
    /// The output is a symbolic link to a folder; Tureen neither writes through it nor replaces it.
    case outputIsLinkToFolder(path: String)
    /// The folder to replace holds entries the writer does not write (listed), which replacing it would remove.
    case outputFolderHoldsOtherFiles(path: String, names: [String])
    /// Replacing a folder failed after the old folder was moved aside, and moving it back failed too.
    case replacementInterrupted(path: String, previous: String, errno: Errno)
    /// A tensor's name cannot be stored in the output's format (the name is shown escaped).
    case unstorableName(path: String, tensor: String, detail: String)
    /// A writer asked to write at an offset the output cannot take (a bug in the writer, not the data).
    case writeOutsideOutput(path: String, offset: Int, length: Int)
    /// A producer gave a tensor fewer or more bytes than its shape and dtype say.
    case producerShortfall(path: String, tensor: String, expected: Int, actual: Int)
    /// The system refused to start a thread.
    case cannotStartThread(errno: Errno)

    public var description: String {
        switch self {
        case let .cannotOpen(path, errno):
            return "\(path): cannot open: \(errno)"
        case let .notARegularFile(path):
            return "\(path): not a regular file"
        case let .cannotMap(path, errno):
            return "\(path): cannot map the file into memory: \(errno)"
        case let .cannotRead(path, errno):
            return "\(path): cannot read: \(errno)"
        case let .truncatedWhileReading(path, end):
            return "\(path): cannot read: the file ended at byte \(end); it was truncated after opening"
        case let .rangeOutsideFile(path, range, fileSize):
            return "\(path): bytes \(range.lowerBound)..<\(range.upperBound) lie outside the file (\(fileSize) bytes); the file is truncated or corrupt"
        case let .sizeOverflow(path, tensor, detail):
            return "\(path): tensor '\(tensor)': size overflows: \(detail)"
        case let .invalidShape(path, tensor, detail):
            return "\(path): tensor '\(tensor)': invalid shape: \(detail)"
        case let .duplicateTensor(path, tensor):
            return "\(path): tensor '\(tensor)' appears more than once"
        case let .unknownOutputFormat(path, extensions):
            let names = extensions.map { "." + $0 }
            let choices = "name the output \(names.dropLast().joined(separator: ", ")) or \(names.last ?? ""), or give a folder for sharded safetensors"
            guard let ext = FilePath(path).extension else { return "\(path) is a file without an extension, which names no format to write; \(choices)" }
            return "\(path): no format is written to a '.\(ext)' file; \(choices)"
        case let .oneFileOutputEndsInSlash(path):
            return "\(path) ends in '/', which names a folder, but its extension names one file; drop the '/' to write one file, or name the folder without the extension for sharded safetensors"
        case let .unknownFolder(path, isEmpty, known):
            let read = "the formats that read folders: \(known.joined(separator: ", "))"
            return isEmpty ? "\(path) is an empty folder; \(read)" : "\(path): no checkpoint Tureen reads in this folder; \(read)"
        case let .unknownFormat(path, known):
            return "\(path): cannot tell the checkpoint format from the extension or the first bytes; known formats: \(known.joined(separator: ", "))"
        case let .formatCannotWrite(path, format):
            return "\(path): the \(format) format cannot be written"
        case let .outputExists(path):
            return "\(path): the output already exists"
        case let .emptyPath(isOutput):
            return "the \(isOutput ? "output" : "input") path is empty (a shell variable that is not set?)"
        case let .outputOfOtherKind(path, existingIsFolder):
            return existingIsFolder
                ? "\(path) is a folder, and this output is one file; only an output of the same kind is replaced. Choose another output path, or remove the folder yourself"
                : "\(path) is a file, and this output is a folder (sharded safetensors or a model folder); only an output of the same kind is replaced. Choose another output path, or remove the file yourself"
        case let .outputIsLinkToNothing(path, target):
            return "\(path) is a symbolic link to \(target), which does not exist, and this output is a folder (sharded safetensors or a model folder); only an output of the same kind is replaced. Choose another output path, or remove the link yourself"
        case let .outputIsSpecialFile(path, kind):
            return "\(path) is \(kind.rawValue), not a file Tureen wrote; an output replaces only a file or folder. Choose another output path"
        case let .outputIsInput(path):
            return "\(path): the output is also an input; choose another output path"
        case let .nothingToSelect(path, key, format):
            return "\(path): cannot select '\(key)': the tensors of a \(format) checkpoint are not nested (selecting a key applies to PyTorch checkpoints)"
        case let .outputNamedTwice(path):
            return "\(path) is given for two of the command's outputs; give each output its own path"
        case let .cannotWrite(path, errno):
            return "\(path): cannot write: \(errno)"
        case let .inputInsideOutput(path, input):
            return "\(path): the input \(input) lies inside this output folder, which replacing it would remove; choose another output path"
        case let .outputInsideInput(path, folder):
            return "\(path): the output lies inside the input folder \(folder); choose another output path"
        case let .outputIsLinkToFolder(path):
            return "\(path): the output is a symbolic link to a folder; name the folder itself, or another output path"
        case let .outputFolderHoldsOtherFiles(path, names):
            let shown = names.prefix(5).map { "'\(TensorName.escaped($0))'" }.joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
            return "\(path): the folder holds entries Tureen does not write (\(shown)); only a folder of what Tureen writes there (shards, an index, a model folder's copied files) and its temporaries is replaced. Choose another output path, or remove them yourself"
        case let .replacementInterrupted(path, previous, errno):
            return "\(path): cannot write: \(errno); the previous folder could not be moved back and is at \(previous)"
        case let .unstorableName(path, tensor, detail):
            return "\(path): tensor '\(TensorName.escaped(tensor))': the name cannot be stored: \(detail)"
        case let .writeOutsideOutput(path, offset, length):
            return "\(path): cannot write: internal: \(length) bytes at offset \(offset) lie outside the output"
        case let .producerShortfall(path, tensor, expected, actual):
            return "\(path): tensor '\(tensor)': expected \(expected) bytes but \(actual) were produced"
        case let .cannotStartThread(errno):
            return "cannot start a thread: \(errno)"
        }
    }
}
