import ArgumentParser
import Tureen

/// `tureen`: model soups and checkpoint files.
@main
struct TureenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tureen",
        abstract: "Average, convert and check model checkpoints (safetensors, npy/npz, HDF5, PyTorch, GGUF, Keras).",
        version: VersionText.text,
        subcommands: [
            InspectCommand.self, ConvertCommand.self, SoupCommand.self, MergeCommand.self, IndexCommand.self, CheckCommand.self, DiffCommand.self,
            HDF5PreflightCommand.self,
        ]
    )

    static func main() {
        TunedBuild.handOverIfInstalled()
        let interruptHandlers = InterruptCleanup.install()
        InterruptCleanup.reportStaleTemporaries()
        OpenFileLimit.raiseToHardLimit()
        HDF5PreflightCommand.install()
        ArgumentEncoding.refuseInvalidArguments()
        withExtendedLifetime(interruptHandlers) {
            // check and diff exit 2 when their report is lost: it is their result.
            var lostOutputCode: Int32 = 1
            do {
                var command = try parseAsRoot()
                if command is CheckCommand || command is DiffCommand { lostOutputCode = 2 }
                try command.run()
            } catch let exit as ExitCode {
                // A result told by the exit code (check and diff: 1 for "differs"), after the report.
                StandardOutput.exitIfLost(code: lostOutputCode)
                ErrorReport.exit(reporting: exit)
            } catch {
                ErrorReport.exit(reporting: error)
            }
            StandardOutput.exitIfLost(code: lostOutputCode)
        }
    }
}
