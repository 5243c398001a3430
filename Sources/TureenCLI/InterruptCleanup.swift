#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Tureen

/// On SIGINT or SIGTERM, removes the temporary outputs being written and exits with 128 + signal,
/// so an interrupted command leaves nothing behind. Handled on a dispatch queue, where any code may run.
enum InterruptCleanup {
    /// Installs the handlers; they stay installed while the returned sources are kept alive.
    static func install() -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                TemporaryOutputs.removeAll()
                StandardError.write("\ntureen: interrupted; nothing was written\n")
                // _exit, not exit: exit's atexit handlers include libhdf5's shutdown, which waits
                // forever for the library lock if the main thread is inside libhdf5 (a corrupt file
                // can hang it), so the interrupt would never end the process.
                _exit(128 + signalNumber)
            }
            source.resume()
            return source
        }
    }
}
