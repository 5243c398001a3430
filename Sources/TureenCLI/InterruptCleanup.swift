#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Tureen

/// On SIGINT, SIGTERM or SIGHUP (a closed terminal), ends any evaluator command, removes the
/// temporary outputs being written (and a search's scratch files), says truthfully what was
/// written, and exits with 128 + signal. Handled on a dispatch queue,
/// where any code may run.
enum InterruptCleanup {
    /// Installs the handlers; they stay installed while the returned sources are kept alive.
    static func install() -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM, SIGHUP].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                RunningChildren.terminateAll()
                let interruption = TemporaryOutputs.interrupt()
                StandardOutput.flushUnlessBusy()
                StandardError.write("\n" + TerminalText.escaped(message(for: interruption)) + "\n")
                // _exit, not exit: exit's atexit handlers include libhdf5's shutdown, which waits
                // forever for the library lock if the main thread is inside libhdf5 (a corrupt file
                // can hang it), so the interrupt would never end the process.
                _exit(128 + signalNumber)
            }
            source.resume()
            return source
        }
    }

    /// What to tell the user: an output put in place before the interrupt is complete and stays.
    static func message(for interruption: TemporaryOutputs.Interruption) -> String {
        guard !interruption.published.isEmpty else {
            return "tureen: interrupted; nothing was written (an existing output is unchanged)"
        }
        return "tureen: interrupted after writing \(interruption.published.joined(separator: ", ")) completely; it is in place"
    }

    /// Prints a line for every leftover of a killed run that an output's folder is cleaned of.
    static func reportStaleTemporaries() {
        StaleTemporaries.notices.withLock { $0 = { StandardError.writeLine(TerminalText.escaped("tureen: " + $0)) } }
    }
}
