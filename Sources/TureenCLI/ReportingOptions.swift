import ArgumentParser

/// `--json` and `--quiet`, which every command takes, and the one way a command reports success.
///
/// A command that writes files ends with `finish(_:)`: its one-line summary, and notes under it,
/// go to stderr (unless `--quiet`), and with `--json` its whole report to stdout, so stdout
/// carries nothing but JSON. A command that prints a report (`inspect`, `check`, `diff`) prints
/// it with `printReport(_:text:)`: JSON or the text on stdout. Progress bars come from
/// `progressBar(label:)`, which `--quiet` silences.
struct ReportingOptions: ParsableArguments {
    @Flag(help: "Print the result as JSON on stdout.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print no progress bar, step lines or summary line (errors and --json output still print).")
    var quiet = false

    func progressBar(label: String) -> ProgressBar {
        ProgressBar(label: label, enabled: !quiet)
    }

    /// The summary line on stderr, unless `--quiet`; with `--json`, `outcome` as JSON on stdout.
    func finish(_ outcome: some CommandOutcome) throws {
        if !quiet { ([outcome.summaryLine] + outcome.notes).forEach(printToStandardError) }
        if json { print(try jsonText(outcome)) }
    }

    /// A report command's output: `report` as JSON with `--json`, else `text`.
    func printReport(_ report: some Encodable, text: @autoclosure () -> String) throws {
        print(json ? try jsonText(report) : TerminalText.escaped(text()))
    }

    /// A line about the work as it goes (a search's steps): on stdout, or on stderr when stdout
    /// carries JSON; nothing with `--quiet`.
    func say(_ line: String) {
        guard !quiet else { return }
        if json { printToStandardError(line) } else { print(TerminalText.escaped(line)) }
    }
}

/// What a command that writes files reports when it succeeds: a line for people (`summaryLine`)
/// and, encoded, the `--json` report. A new command adds a type conforming to this and ends with
/// `reporting.finish(outcome)`.
protocol CommandOutcome: Encodable {
    var summaryLine: String { get }
    /// Lines under the summary for what the user should know (tensors skipped, NaN found).
    var notes: [String] { get }
}

extension CommandOutcome {
    var notes: [String] { [] }
}
