/// The CLI's evaluator: runs a command on the candidate file (`python3 eval.py {path}`) and reads
/// the score from the last non-empty line of its stdout, a number or a JSON object with `"score"`.
/// The command runs without a shell unless the template says so, in the caller's environment;
/// see `ChildProcess` for signals and process groups.
public struct CommandEvaluator: Evaluator {
    /// The command, with a `{path}` placeholder.
    public let template: CommandTemplate
    /// Seconds the command may run before it is ended and the run stops; nil for no limit.
    public var timeout: Double?

    /// An evaluator running `template`.
    public init(template: CommandTemplate, timeout: Double? = nil) {
        self.template = template
        self.timeout = timeout
    }

    public func score(checkpointAt path: String) throws -> Double {
        try CommandRun.value(of: template.arguments(["{path}": path]), key: .score, timeout: timeout)
    }

    public var journalIdentity: String { template.description }
}

/// The CLI's gradient evaluator: runs a command with `{path}` (the candidate) and `{grad}` (where
/// it writes ∂loss/∂θ), and reads the loss from the last non-empty line of its stdout, a number
/// or a JSON object with `"loss"`.
public struct CommandGradientEvaluator: GradientEvaluator {
    /// The command, with `{path}` and `{grad}` placeholders.
    public let template: CommandTemplate
    /// Seconds the command may run; nil for no limit.
    public var timeout: Double?

    /// A gradient evaluator running `template`.
    public init(template: CommandTemplate, timeout: Double? = nil) {
        self.template = template
        self.timeout = timeout
    }

    public func lossAndGradient(checkpointAt path: String, gradientPath: String) throws -> Double {
        try CommandRun.value(of: template.arguments(["{path}": path, "{grad}": gradientPath]), key: .loss, timeout: timeout)
    }
}

/// Runs an evaluator command and turns its outcome into a value or an `EvaluatorError`.
enum CommandRun {
    static func value(of arguments: [String], key: PrintedValue.Key, timeout: Double?) throws -> Double {
        let command = arguments.map { word in
            word.isEmpty || word.contains(where: { " \t\n'\"\\$`;&|<>()*?[]{}~#".contains($0) }) ? CommandTemplate.shellQuoted(word) : word
        }.joined(separator: " ")
        let outcome: ChildProcess.Outcome
        do {
            outcome = try ChildProcess.run(arguments, timeout: timeout)
        } catch let failure as ChildProcess.StartFailure {
            throw EvaluatorError.cannotStart(command: command, reason: failure.reason)
        }
        let standardError = String(decoding: outcome.standardError, as: UTF8.self)
        switch outcome.ending {
        case .timedOut:
            throw EvaluatorError.timedOut(command: command, seconds: timeout ?? 0, standardError: standardError)
        case let .signalled(signal):
            throw EvaluatorError.killed(command: command, signal: signal, standardError: standardError)
        case let .exited(status) where status != 0:
            throw EvaluatorError.failed(command: command, status: status, standardError: standardError)
        case .exited:
            break
        }
        switch PrintedValue.read(outcome.standardOutput, key: key) {
        case let .unreadable(lastLine):
            throw EvaluatorError.noValue(command: command, key: key.rawValue, lastLine: lastLine, standardError: standardError)
        case let .value(value):
            guard value.isFinite else {
                throw EvaluatorError.nonFinite(command: command, key: key.rawValue, value: value, standardError: standardError)
            }
            return value
        }
    }
}
