import ArgumentParser
import Tureen

/// `tureen hdf5-preflight FILE [--offset START --length COUNT]` (hidden): parses an HDF5 file's
/// metadata (or that of the HDF5 file stored at a byte range of FILE, as a `.keras` archive
/// stores `model.weights.h5`) and prints its layout. Every other command runs it in a separate
/// process before opening an HDF5 file, so that a file that crashes or hangs libhdf5 fails that
/// process only (`HDF5Preflight`).
struct HDF5PreflightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hdf5-preflight",
        abstract: "Parse an HDF5 file's metadata and print its layout (run by tureen itself).",
        shouldDisplay: false
    )

    @Argument(help: "The HDF5 file, or the file that stores one.")
    var file: String

    @Option(help: "Where the HDF5 file starts inside FILE.")
    var offset: Int?

    @Option(help: "How many bytes of FILE, from --offset, the HDF5 file takes.")
    var length: Int?

    func run() throws {
        let report: String
        do {
            let range = try offset.map { start in
                guard let length, start >= 0, length >= 0, case let (end, false) = start.addingReportingOverflow(length) else { throw ExitCode(1) }
                return start..<end
            }
            report = try HDF5Preflight.layoutReport(of: file, byteRange: range)
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
