import ArgumentParser
import Tureen
import TureenCore

/// Options shared by the soups that search with an evaluator (greedy and learned): the output,
/// how candidates are written and where, and how the evaluator command runs.
struct SearchSoupArguments: ParsableArguments {
    @Option(name: .shortAndLong, help: "The output checkpoint (.safetensors, .npz, .h5, .pt, .keras configured as the first ingredient, or a folder: a model folder when every ingredient is one, else sharded safetensors).")
    var output: String

    @Flag(help: "Run the command with /bin/sh -c (placeholders are replaced by single-quoted paths); without it the command is split into words and run directly.")
    var shell = false

    // Unconditional: `-1` is a value to refuse as such, not an unknown option leaving this one without a value.
    @Option(parsing: .unconditional, help: "Seconds the command may run for one candidate before it is ended and the run stops.")
    var evalTimeout: Double?

    @Option(help: "The format candidates are written in for the command: safetensors, npz, h5, keras (configured as the first ingredient), or folder (a model folder with the first ingredient's config and tokenizer, for from_pretrained; needs model folder ingredients).")
    var evalFormat: CandidateFormat = .safetensors

    @Option(help: "Folder for candidates and scratch files (default: OUTPUT.scratch beside the output).")
    var scratch: String?

    @Option(help: "The dtype of floating-point tensors in candidates and the result: f32, bf16, f16, f64, f8_e4m3, f8_e5m2, or 'widest' (default: the first ingredient's, as for the uniform soup of the same ingredients).")
    var dtype: OutputDTypeRule = .firstIngredient

    @Option(help: "Integer and bool tensors are never averaged: 'identical' requires them equal in every ingredient, 'first' takes the first ingredient's.")
    var integers: SoupOptions.IntegerPolicy = .requireIdentical

    @Flag(help: "Fail if a candidate or the result holds NaN or ±Inf.")
    var failOnNonfinite = false

    @Option(help: "Write an SVG chart of the search to this file.")
    var plot: String?

    @OptionGroup var writing: WritingOptions
    @OptionGroup var reading: ReadingOptions
    @OptionGroup var threading: ThreadingOptions
    /// With `--json`, step lines and the summary go to stderr and the report to stdout.
    @OptionGroup var reporting: ReportingOptions

    var soupOptions: SoupOptions {
        var options = SoupOptions()
        options.outputDType = dtype
        if let threads = threading.threads { options.threadCount = threads }
        options.integerPolicy = integers
        options.failOnNonFinite = failOnNonfinite
        return options
    }

    func validate() throws {
        if let evalTimeout, !(evalTimeout > 0 && evalTimeout.isFinite) {
            throw ValidationError("--eval-timeout takes a positive number of seconds, not \(evalTimeout)")
        }
        try writing.validate(output: output)
        if let scratch, FileSystem.nameTheSamePlace(scratch, output) {
            throw ValidationError("--scratch \(scratch) is the output; the scratch folder holds candidates removed after use: give it a folder of its own")
        }
        if scratch == nil, let plot, case let defaultScratch = DefaultScratchFolder.path(beside: output), FileSystem.lies(plot, inside: defaultScratch) {
            throw ValidationError("--plot \(plot) lies in the default scratch folder \(defaultScratch), which the search removes when it ends: write the plot elsewhere, or give a scratch folder of your own with --scratch")
        }
    }

    /// `template` checked for `placeholders`, as a usage error when it lacks one.
    func commandTemplate(_ template: String, option: String, placeholders: [String]) throws -> CommandTemplate {
        do {
            return try CommandTemplate(template, usesShell: shell, placeholders: placeholders)
        } catch let problem as CommandTemplate.Problem {
            throw ValidationError("\(option): \(problem)")
        }
    }
}

extension CandidateFormat: ExpressibleByArgument {}
