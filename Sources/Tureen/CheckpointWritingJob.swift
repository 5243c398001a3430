import Soup
import TureenCore

/// The settings shared by the jobs that read checkpoints and write one merged result (`SoupJob`,
/// `MergeJob`), so one set of command-line options configures either.
public protocol CheckpointWritingJob {
    /// How to treat dtypes, integers, missing tensors and non-finite values.
    var options: SoupOptions { get set }
    /// Writer options (shards, compression, layout).
    var writeOptions: WriteOptions { get set }
    /// Reader options.
    var readOptions: ReadOptions { get set }
    /// Replace an existing output.
    var force: Bool { get set }
    /// Where a model folder output takes its other files from, and whether configurations may differ.
    var modelFolder: ModelFolderOptions { get set }
    /// Hears what the user should know: which weights a model folder was read from, files not copied.
    var onNote: ((String) -> Void)? { get set }
}

extension SoupJob: CheckpointWritingJob {}
extension MergeJob: CheckpointWritingJob {}
