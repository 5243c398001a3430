import Foundation
import Tureen

/// The CLI's words after a library error: the library states the condition, and the CLI says
/// which of its flags would change the outcome.
enum ErrorHint {
    /// The hint for `error`, or nil when no flag would help.
    static func hint(for error: any Error) -> String? {
        switch error {
        case TensorStoreError.outputExists, PartitionError.unlistedShardExists, PartitionIndexError.otherIndexExists:
            return "pass --force to replace it"
        case PartitionError.noSchedulerEnvironment:
            return "give --partition i/n, or run in a Slurm job array (sbatch --array) or a Kubernetes Indexed Job"
        case PartitionError.countNotGiven:
            return "pass --partition-count N, the Job's completions"
        case PartitionError.notShardedSafetensors:
            return "give a folder as the output and --max-shard-size"
        case PartitionIndexError.incomplete:
            return "run those tasks again with the same command (and --partition i/n), then tureen index again"
        case SoupError.integerTensorsDiffer:
            return "pass --integers first to take the first ingredient's"
        case SoupError.invalidWeights(.weightsSumToZero(normalizing: true, baseRelative: true)):
            return "pass --no-normalize to use them as given"
        case SoupError.invalidWeights(.weightsSumToZero(normalizing: false, baseRelative: false)):
            return "pass --base BASE for a base-relative soup"
        case let SoupError.incompatibleIngredients(mismatch) where mismatch.onlyTensorsAreMissing:
            return "pass --skip-missing to leave out the tensors some ingredients lack"
        case ScratchFolderError.occupied:
            return "move it away (a run killed earlier may have left it), or give --scratch a folder of its own; a greedy soup run again with --resume replaces its own leftovers"
        case ScratchFolderError.earlierJournal:
            return "pass --resume to continue from them, or remove it to start over"
        case ScratchFolderError.notAJournal:
            return "remove it, or give --scratch a folder of its own"
        case SoupError.nonFiniteValues:
            return "--fail-on-nonfinite stopped the run; without it, NaN and ±Inf are counted and reported"
        case let NumPyError.untypedVoid(_, _, _, byteWidth), let HDF5Error.untypedOpaque(_, _, byteWidth):
            return assumedVoidHint(byteWidth: byteWidth)
        case HDF5Error.notKerasLayout:
            return "--layout keras writes only tensors read from a Keras 3 .weights.h5 file; leave it out for the plain HDF5 layout"
        case HuggingFaceError.configsDiffer:
            return "pass --allow-config-differences to write the first ingredient's config.json (or --config-from's) anyway"
        case HuggingFaceError.notAModelFolder:
            return "--eval-format folder and --config-from need model folders (a config.json beside the weights)"
        case HuggingFaceError.configFolderUnused:
            return "leave out --config-from, or give model folders and a folder output"
        case CompareError.normalizationCollision:
            return "compare without --normalize-names"
        case let GreedySoupError.evaluationFailed(_, _, underlying):
            return ([hint(for: underlying)].compactMap { $0 } + ["run the same command with --resume to continue from them"]).joined(separator: "; ")
        case let LearnedSoupError.evaluationFailed(_, _, underlying):
            return hint(for: underlying)
        case let EvaluatorError.timedOut(_, seconds, _):
            return "the limit was --eval-timeout " + String(format: "%g", seconds) + "; raise it if the command needs longer"
        case EvaluatorError.cannotStart:
            return "without --shell the command runs directly (no pipes, variables or redirections); pass --shell for shell syntax"
        case GreedySoupError.noIngredientMeetsThreshold:
            return "lower --min-score, or leave it out"
        case LearnedSoupError.gradientRejected(_, _, GradientError.doesNotMatch), LearnedSoupError.gradientRejected(_, _, TensorStoreError.unknownFormat):
            return "the command writes {grad} in --grad-format (safetensors unless given), one tensor per floating-point tensor of the soup, with its name and shape"
        default:
            return nil
        }
    }

    /// The `--assume-v2` dtypes that fit untyped void data of `byteWidth` bytes; nil for a width none fits.
    /// Data of the other width is named too, as a file can hold both and then needs the option twice.
    private static func assumedVoidHint(byteWidth: Int) -> String? {
        switch byteWidth {
        case 2: return "if it is bfloat16, pass --assume-v2 bf16 (for 2-byte data; give --assume-v2 again for 1-byte float8 data)"
        case 1: return "if it is float8, pass --assume-v2 f8_e4m3 or f8_e5m2 (for 1-byte data; give --assume-v2 again for 2-byte bfloat16 data)"
        default: return nil
        }
    }
}
