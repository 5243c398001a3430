import HuggingFace
import TureenCore

/// How a soup search writes its candidates for the evaluator: the writer of the candidate format,
/// and whether the output is written just as a candidate is (so the last kept candidate can be
/// renamed into place instead of written again).
struct CandidateWriter {
    let writer: any CheckpointWriter
    /// The format a store read from a candidate reports, to pass an ingredient already in it as it is.
    let formatName: CheckpointFormat.Name
    /// Whether the output has the candidates' form: their extension, or a model folder for folder candidates.
    let matchesOutput: Bool

    /// The writer of `format` candidates for a search writing `output` through `target`.
    ///
    /// - Throws: `HuggingFaceError.notAModelFolder` naming an ingredient, for folder candidates from
    ///   ingredients that are not all model folders; the registry's errors.
    init(_ format: CandidateFormat, output: String, target: OutputTarget, stores: [TensorStore], registry: FormatRegistry) throws {
        guard let fileExtension = format.fileExtension else {
            guard let models = target.modelFolderCandidateWriter else {
                let plain = stores.first { $0.formatName != .huggingface }
                throw HuggingFaceError.notAModelFolder(path: plain?.location ?? output)
            }
            writer = models
            formatName = .huggingface
            matchesOutput = target.writesModelFolder
            return
        }
        let chosen = try registry.writer(for: "candidate." + fileExtension, firstInput: stores.first)
        writer = chosen.writer
        formatName = chosen.format.name
        matchesOutput = output.lowercased().hasSuffix("." + fileExtension)
    }
}
