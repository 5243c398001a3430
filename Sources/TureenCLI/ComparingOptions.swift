import ArgumentParser
import Tureen

/// Options and opening shared by `check` and `diff`.
struct ComparingOptions: ParsableArguments {
    @Flag(help: "Compare tensors under normalised names (Keras 'layers/x/vars/0' paths, 'module.' and 'model.' prefixes); the report lists every rename.")
    var normalizeNames = false

    /// Opened inputs, the base (if any) first in `all`.
    struct Opened {
        let all: [ComparedInput]
        let base: ComparedInput?
        var inputs: [ComparedInput] { base == nil ? all : Array(all.dropFirst()) }
    }

    /// Opens `base` (if any) and `inputs`.
    ///
    /// - Throws: `CommandFailure.unreadableInput` (exit code 2) if an input cannot be read.
    func open(base: String?, inputs: [String], reading: ReadingOptions) throws -> Opened {
        let paths = (base.map { [$0] } ?? []) + inputs
        let all = try CommandFailure.readingInputs {
            try paths.map { path in
                try ComparedInput(store: try FormatRegistry.standard.open(path, options: reading.readOptions), label: path, normalizingNames: normalizeNames)
            }
        }
        return Opened(all: all, base: base == nil ? nil : all[0])
    }
}
