#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to its end without a shell, in the caller's environment, reading its stdout and
/// stderr together (so neither pipe can fill and stall it) and keeping the tail of each. The
/// system calls of evaluators live here.
///
/// The program runs in a process group of its own, with stdin from /dev/null and the default
/// handling of SIGINT, SIGTERM and SIGPIPE (Tureen ignores some of them, and ignored signals would
/// be inherited). When the time limit passes, or an interrupt ends Tureen (`RunningChildren`), the
/// whole group gets SIGTERM, then SIGKILL.
struct ChildProcess {
    /// How the program ended.
    enum Ending: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
    }

    /// What a run gave.
    struct Outcome: Sendable {
        let ending: Ending
        /// The last bytes of stdout and stderr (at most `tailBytes` of each).
        let standardOutput: [UInt8]
        let standardError: [UInt8]
    }

    /// Why a program could not be started.
    struct StartFailure: Error {
        let reason: String
    }

    /// The most bytes of each stream kept.
    static let tailBytes = 64 << 10

    /// Runs `arguments` (the program, found through PATH, then its arguments) until it exits or
    /// `timeout` seconds pass.
    ///
    /// - Throws: `StartFailure` if the pipes cannot be made or the program cannot be started.
    static func run(_ arguments: [String], timeout: Double?) throws -> Outcome {
        let output = try makePipe()
        let errors: [Int32]
        do {
            errors = try makePipe()
        } catch {
            output.forEach { _ = close($0) }
            throw error
        }
        let pid: pid_t
        do {
            defer {
                close(output[1])
                close(errors[1])
            }
            pid = try spawn(arguments, standardOutput: output[1], standardError: errors[1])
        } catch {
            close(output[0])
            close(errors[0])
            throw error
        }
        RunningChildren.insert(pid)
        defer { RunningChildren.remove(pid) }
        var streams = [Stream(descriptor: output[0]), Stream(descriptor: errors[0])]
        defer { for stream in streams where stream.isOpen { close(stream.descriptor) } }
        let deadline = timeout.map { Self.now() + $0 }
        var status: Int32 = 0
        while true {
            let remaining = deadline.map { $0 - Self.now() }
            if let remaining, remaining <= 0 {
                let ending = terminate(pid)
                RunningChildren.waitIfEnding()
                return Outcome(ending: ending, standardOutput: streams[0].tail, standardError: streams[1].tail)
            }
            let open = streams.indices.filter { streams[$0].isOpen }
            if open.isEmpty {
                // Both pipes are closed: the program is ending; wait for it within the time limit.
                if waitpid(pid, &status, WNOHANG) == pid { break }
                usleep(10_000)
                continue
            }
            var polled = open.map { pollfd(fd: streams[$0].descriptor, events: Int16(POLLIN), revents: 0) }
            let wait = Int32(min(100, max(1, (remaining ?? 0.1) * 1000)))
            let ready = poll(&polled, nfds_t(polled.count), wait)
            if ready < 0 && errno != EINTR { usleep(10_000) }
            for (slot, index) in open.enumerated() where polled[slot].revents != 0 {
                streams[index].readAvailable()
            }
            // The program may have exited while something it started keeps the pipes open: take
            // what is already in them and stop reading.
            if waitpid(pid, &status, WNOHANG) == pid {
                for index in streams.indices where streams[index].isOpen { streams[index].drain() }
                break
            }
        }
        RunningChildren.waitIfEnding()
        let ending: Ending = (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
        return Outcome(ending: ending, standardOutput: streams[0].tail, standardError: streams[1].tail)
    }

    /// A pipe whose ends are closed in programs Tureen starts (the child gets copies as stdout and
    /// stderr). Tureen starts no program on another thread, so no other child can inherit them
    /// between `pipe` and `fcntl`.
    private static func makePipe() throws -> [Int32] {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw StartFailure(reason: String(cString: strerror(errno))) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return ends
    }

    /// Starts `arguments` with the given descriptors as stdout and stderr.
    private static func spawn(_ arguments: [String], standardOutput: Int32, standardError: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
        posix_spawn_file_actions_adddup2(&actions, standardError, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard result == 0 else { throw StartFailure(reason: String(cString: strerror(result))) }
        return pid
    }

    /// Ends the program's process group: SIGTERM, up to two seconds to exit, then SIGKILL.
    private static func terminate(_ pid: pid_t) -> Ending {
        kill(-pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<200 {
            if waitpid(pid, &status, WNOHANG) == pid { return .timedOut }
            usleep(10_000)
        }
        kill(-pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return .timedOut
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// One pipe being read: its descriptor and the last bytes that came through it.
    private struct Stream {
        let descriptor: Int32
        var isOpen = true
        var tail: [UInt8] = []

        init(descriptor: Int32) {
            self.descriptor = descriptor
        }

        /// Reads what one `read` gives, and returns its byte count; closes the pipe at its end.
        @discardableResult
        mutating func readAvailable() -> Int {
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { return 0 }
            guard count > 0 else {
                close(descriptor)
                isOpen = false
                return 0
            }
            tail.append(contentsOf: buffer[0..<count])
            if tail.count > ChildProcess.tailBytes { tail.removeFirst(tail.count - ChildProcess.tailBytes) }
            return count
        }

        /// Reads whatever is already in the pipe without waiting (a bounded amount, in case
        /// something the program started keeps writing), then closes it.
        mutating func drain() {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            var reads = 0
            while isOpen, reads < 64, readAvailable() > 0 {
                reads += 1
            }
            if isOpen {
                close(descriptor)
                isOpen = false
            }
        }
    }
}
