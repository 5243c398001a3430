import ArgumentParser
import Tureen

/// What `tureen soup` and `tureen merge` do with integer tensors, missing tensors and non-finite
/// values, and the threads, writer and reader options they share.
struct TensorPolicyOptions: ParsableArguments {
    @Option(help: "Integer and bool tensors are never averaged: 'identical' requires them equal in every input, 'first' takes the first ingredient's.")
    var integers: SoupOptions.IntegerPolicy = .requireIdentical

    @Flag(help: "Leave out tensors that some inputs lack (they are listed) instead of refusing.")
    var skipMissing = false

    @Flag(help: "Fail if any input or the result holds NaN or ±Inf.")
    var failOnNonfinite = false

    @OptionGroup var writing: WritingOptions
    @OptionGroup var reading: ReadingOptions
    @OptionGroup var threading: ThreadingOptions

    /// Sets these choices in a job's options.
    func apply(to options: inout SoupOptions) {
        options.integerPolicy = integers
        options.skipMissingTensors = skipMissing
        options.failOnNonFinite = failOnNonfinite
        if let threads = threading.threads { options.threadCount = threads }
    }

    /// Sets these choices, the writer and reader options, and notes printed to standard error in `job`.
    func configure<Job: CheckpointWritingJob>(_ job: inout Job) {
        apply(to: &job.options)
        job.writeOptions = writing.writeOptions
        job.readOptions = reading.readOptions
        job.force = writing.force
        job.modelFolder = writing.modelFolderOptions
        job.onNote = { printToStandardError($0) }
    }
}
