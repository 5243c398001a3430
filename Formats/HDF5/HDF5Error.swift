import TureenCore

/// Why an HDF5 file was refused or could not be written. Every case names the file and, where there
/// is one, the object path inside it (`/model/layers/0/weight`).
public enum HDF5Error: Error, CustomStringConvertible, Equatable {
    /// libhdf5 reported an error; `operation` is what Tureen asked for, `detail` libhdf5's own words.
    case library(path: String, object: String, operation: String, detail: String)
    /// The file has no HDF5 signature where the format allows one.
    case notHDF5(path: String)
    /// An object is an external link into another file.
    case externalLink(path: String, object: String, target: String)
    /// A soft link does not resolve to an object inside the file.
    case softLinkLeavesFile(path: String, object: String, target: String)
    /// A dataset keeps its data in external raw files.
    case externalStorage(path: String, object: String)
    /// A dataset is a virtual dataset that maps data from other files.
    case virtualDataset(path: String, object: String)
    /// A dataset's element type is not a tensor dtype (strings, references, other compounds, …).
    case unsupportedType(path: String, object: String, detail: String)
    /// A dataset holds opaque data with no `dtype` attribute, and no dtype of its width was assumed for it.
    case untypedOpaque(path: String, object: String, byteWidth: Int)
    /// A dataset is compressed with a filter this libhdf5 cannot decode.
    case unavailableFilter(path: String, object: String, filter: String)
    /// A dataset declares more bytes than the file could hold, however compressed.
    case shapeBomb(path: String, object: String, declaredBytes: Int, limit: Int)
    /// A dataset's contiguous data lies past the end of the file.
    case dataOutsideFile(path: String, object: String, end: Int, fileSize: Int)
    /// Groups nest deeper than the walker follows.
    case groupsTooDeep(path: String, object: String, limit: Int)
    /// A tensor name cannot become an HDF5 object path.
    case unmappableName(path: String, tensor: String, detail: String)
    /// Two tensor names map to one HDF5 object path, `object`: both to a dataset there (`enc.w` and
    /// `enc/w`), or, when `asGroup`, `tensor` to a dataset where `other` needs a group (`a.b` beside `a/b/c`).
    case sharedPath(path: String, tensor: String, other: String, object: String, asGroup: Bool)
    /// A metadata entry cannot be stored as an HDF5 attribute (the key is shown escaped).
    case unstorableMetadata(path: String, key: String, detail: String)
    /// The Keras 3 layout was asked for, but a tensor's name is not a Keras 3 variable path.
    case notKerasLayout(path: String, tensor: String)
    /// A chunked dataset whose chunks need more memory to decode than the limit: `what` says which
    /// (one chunk, or the chunks that reading in C order keeps decoded at once).
    case chunkMemory(path: String, object: String, chunkShape: [Int], what: String, limit: Int)
    /// `HDF5Preflight` found that libhdf5 crashes or hangs on the file; `detail` says which.
    case preflightFailed(path: String, detail: String)

    public var description: String {
        switch self {
        case let .library(path, object, operation, detail):
            return "\(path): \(object): libhdf5 could not \(operation): \(detail)"
        case let .notHDF5(path):
            return "\(path): not an HDF5 file (no HDF5 signature at offset 0, 512, 1024, …)"
        case let .externalLink(path, object, target):
            return "\(path): \(object) is an external link to '\(target)'; Tureen reads only data inside the file"
        case let .softLinkLeavesFile(path, object, target):
            return "\(path): \(object) is a soft link to '\(target)', which does not resolve inside the file"
        case let .externalStorage(path, object):
            return "\(path): dataset \(object) keeps its data in external raw files; Tureen reads only data inside the file"
        case let .virtualDataset(path, object):
            return "\(path): dataset \(object) is a virtual dataset that reads other files; Tureen reads only data inside the file"
        case let .unsupportedType(path, object, detail):
            return "\(path): dataset \(object) is not a tensor: \(detail)"
        case let .untypedOpaque(path, object, byteWidth):
            return "\(path): dataset \(object) is not a tensor: \(byteWidth)-byte opaque data with no dtype attribute"
        case let .unavailableFilter(path, object, filter):
            return "\(path): dataset \(object) is compressed with \(filter), which this libhdf5 cannot decode"
        case let .shapeBomb(path, object, declaredBytes, limit):
            return "\(path): dataset \(object) declares \(declaredBytes) bytes, more than the file can hold (at most \(limit)); the file is corrupt or hostile"
        case let .dataOutsideFile(path, object, end, fileSize):
            return "\(path): dataset \(object) has data up to byte \(end) but the file has \(fileSize) bytes; the file is truncated"
        case let .groupsTooDeep(path, object, limit):
            let shown = object.count > 200 ? object.prefix(200) + "…" : object
            return "\(path): group \(shown) nests more than \(limit) groups deep; the file is corrupt or hostile"
        case let .unmappableName(path, tensor, detail):
            return "\(path): tensor '\(tensor)' cannot become an HDF5 path: \(detail)"
        case let .sharedPath(path, tensor, other, object, asGroup):
            let first = TensorName.escaped(tensor), second = TensorName.escaped(other)
            return asGroup
                ? "\(path): tensor '\(first)' would be stored at \(object), where tensor '\(second)' needs a group (an HDF5 dataset cannot also be a group); rename one of them"
                : "\(path): tensors '\(first)' and '\(second)' would both be stored at \(object) ('.' and '/' both separate HDF5 groups); rename one of them"
        case let .unstorableMetadata(path, key, detail):
            return "\(path): metadata '\(TensorName.escaped(key))' cannot be stored as an HDF5 attribute: \(detail)"
        case let .notKerasLayout(path, tensor):
            return "\(path): the Keras 3 layout needs names from a Keras 3 .weights.h5 file (…vars.<index>), but tensor '\(tensor)' is not one"
        case let .preflightFailed(path, detail):
            return "\(path): libhdf5 could not parse this file: \(detail); the file is corrupt or hostile, and was not opened in this process"
        case let .chunkMemory(path, object, chunkShape, what, limit):
            return "\(path): dataset \(object) is stored in chunks of shape \(chunkShape); decoding \(what) needs more than the \(limit >> 20) MiB Tureen allows; rewrite it with smaller chunks (h5py: chunks=True)"
        }
    }
}
