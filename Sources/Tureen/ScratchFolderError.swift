/// Why a soup search would not use its scratch folder (`--scratch`) as it is.
public enum ScratchFolderError: Error, CustomStringConvertible {
    /// A file the search writes (and removes after use) is already there, and is not its own.
    case occupied(path: String)
    /// The journal of an earlier greedy search is there, and `--resume` was not given.
    case earlierJournal(path: String)
    /// The file at the journal's path is no journal Tureen wrote: `line` (from 1) is not a score.
    case notAJournal(path: String, line: Int)
    /// Another search running now holds the folder's lock.
    case inUse(path: String)

    public var description: String {
        switch self {
        case let .occupied(path):
            return "\(path) is already there, and the search writes a file of that name in its scratch folder (and removes it after use)"
        case let .earlierJournal(path):
            return "\(path) holds the scores of an earlier run"
        case let .inUse(path):
            return "\(path) is the scratch folder of another soup search running now; give this one another --scratch, or wait for that one to end"
        case let .notAJournal(path, line):
            return "\(path) is not a greedy soup journal (line \(line) is not a score Tureen recorded); it is left as it is"
        }
    }
}
