import ArgumentParser
import Tureen

/// `tureen hdf5-preflight FILE` (hidden): parses an HDF5 file's metadata and prints its layout.
/// Every other command runs it in a separate process before opening an HDF5 file, so that a file
/// that crashes or hangs libhdf5 fails that process only (`HDF5Preflight`).
struct HDF5PreflightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hdf5-preflight",
        abstract: "Parse an HDF5 file's metadata and print its layout (run by tureen itself).",
        shouldDisplay: false
    )

    @Argument(help: "The HDF5 file.")
    var file: String

    func run() throws {
        let report: String
        do {
            report = try HDF5Preflight.layoutReport(of: file)
        } catch {
            throw ExitCode(1)
        }
        print(report, terminator: "")
    }

    /// The check the other commands install: this binary, through `/proc/self/exe`, which names
    /// it even when it was started through a link or a relative path.
    static func install() {
        HDF5Preflight.check = HDF5Preflight.childProcess(command: ["/proc/self/exe", configuration.commandName!])
    }
}
