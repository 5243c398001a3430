/// Why a `.keras` archive was refused or could not be written. Every case names the file; zip-level
/// problems (truncation, duplicate or overlapping members, bombs) are `ZipError`s and HDF5 ones
/// inside `model.weights.h5` are `HDF5Error`s naming the archive and the member.
public enum KerasError: Error, CustomStringConvertible, Equatable {
    /// A member every `.keras` archive has is missing; `members` lists what the archive holds.
    case missingMember(path: String, member: String, members: [String])
    /// The weights are in a form Tureen does not read (`model.weights.npz`).
    case unsupportedWeights(path: String, member: String)
    /// A member Tureen reads or copies as it is stored is compressed (zip method `method`).
    case compressedMember(path: String, member: String, method: UInt16)
    /// A `.keras` output needs a model's configuration, taken from the first input, which is not a `.keras` archive.
    case needsModelConfiguration(output: String, firstInput: String?)
    /// The tensors to write do not fit the model whose configuration the output takes from `template`.
    case weightsDoNotMatchConfiguration(output: String, template: String, detail: String)

    public var description: String {
        switch self {
        case let .missingMember(path, member, members):
            let held = members.prefix(8).map { "'\($0)'" }.joined(separator: ", ") + (members.count > 8 ? ", …" : "")
            return "\(path): not a Keras archive: it has no member '\(member)' (it holds \(members.isEmpty ? "nothing" : held))"
        case let .unsupportedWeights(path, member):
            return "\(path): the weights are in member '\(member)'; Tureen reads .keras archives whose weights are 'model.weights.h5' (Keras' default, weights_format=\"h5\")"
        case let .compressedMember(path, member, method):
            return "\(path): member '\(member)' is compressed (zip method \(method)); Keras stores its members uncompressed, and Tureen reads them in place; save the model again with Keras, or re-zip it without compression (zip -0)"
        case let .needsModelConfiguration(output, firstInput):
            let input = firstInput.map { "the first input, \($0), is not one" } ?? "there is no input"
            return "\(output): a .keras file holds the model's configuration beside its weights, which Tureen takes from the first input's .keras archive, but \(input)"
        case let .weightsDoNotMatchConfiguration(output, template, detail):
            return "\(output): the weights do not fit the model configured in \(template): \(detail)"
        }
    }
}
