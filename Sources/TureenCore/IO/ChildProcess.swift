#if canImport(Glibc)
import Glibc
#else
#error("Tureen builds on Linux (Glibc) only")
#endif
import CTureenSystem

/// Runs a program as a child process with `posix_spawn` and collects its standard output, under a
/// time limit. `posix_spawn` execs at once, so nothing of this process runs in the child: a plain
/// `fork` of a process with Dispatch threads can deadlock on a lock another thread held.
package enum ChildProcess {
    /// How a child ended.
    package enum Ending: Equatable, Sendable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal killed it.
        case signalled(Int32)
        /// It ran past the time limit and was killed.
        case timedOut
    }

    /// Runs `executable` with `arguments` (standard input and error on `/dev/null`), kills it if it
    /// runs longer than `timeout`, and returns how it ended and what it printed (at most
    /// `outputLimit` bytes are kept).
    ///
    /// - Throws: `ChildProcess.Failure` if it cannot be started.
    package static func run(_ executable: String, arguments: [String], timeout: Duration, outputLimit: Int = 1 << 20) throws -> (ending: Ending, output: [UInt8]) {
        var pipeEnds: [Int32] = [0, 0]
        guard c_tureen_pipe_cloexec(&pipeEnds) == 0 else { throw Failure(operation: "pipe2", errno: errno) }
        defer { close(pipeEnds[0]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // A crash in the child is expected and reported by the parent: no backtrace, which would take seconds.
        let environment = currentEnvironment().filter { !$0.hasPrefix("SWIFT_BACKTRACE=") } + ["SWIFT_BACKTRACE=enable=no"]
        var child: pid_t = 0
        let status = withCStrings([executable] + arguments) { argv in
            withCStrings(environment) { envp in posix_spawn(&child, executable, &actions, nil, argv, envp) }
        }
        close(pipeEnds[1])
        guard status == 0 else { throw Failure(operation: "posix_spawn \(executable)", errno: status) }
        let (output, timedOut) = collect(from: pipeEnds[0], until: ContinuousClock.now + timeout, limit: outputLimit)
        if timedOut { kill(child, SIGKILL) }
        var waitStatus: Int32 = 0
        while waitpid(child, &waitStatus, 0) < 0 && errno == EINTR {}
        if timedOut { return (.timedOut, output) }
        let signal = waitStatus & 0x7f
        return (signal == 0 ? .exited((waitStatus >> 8) & 0xff) : .signalled(signal), output)
    }

    /// A child process could not be started.
    package struct Failure: Error, CustomStringConvertible {
        /// The call that failed.
        package let operation: String
        /// Its error number.
        package let errno: Int32

        package var description: String { "\(operation) failed: \(String(cString: strerror(errno)))" }
    }

    /// Reads `descriptor` to its end or the deadline; returns what was read and whether time ran out.
    private static func collect(from descriptor: Int32, until deadline: ContinuousClock.Instant, limit: Int) -> ([UInt8], Bool) {
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return (output, true) }
            let (seconds, attoseconds) = left.components
            let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, milliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            let got = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return (output, false) }
            if output.count < limit { output += chunk.prefix(min(got, limit - output.count)) }
        }
    }

    /// This process's environment, `NAME=value` each.
    private static func currentEnvironment() -> [String] {
        var variables: [String] = []
        var entry = Glibc.environ
        while let variable = entry.pointee {
            variables.append(String(cString: variable))
            entry += 1
        }
        return variables
    }

    /// Calls `body` with a NULL-terminated array of C strings.
    private static func withCStrings<Result>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> Result) -> Result {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
