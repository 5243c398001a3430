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
            do {
                var command = try parseAsRoot()
                let reportIsResult = command is CheckCommand || command is DiffCommand
                defer { StandardOutput.exitIfLost(code: reportIsResult ? 2 : 1) }
                try command.run()
            } catch {
                ErrorReport.exit(reporting: error)
            }
        }
    }
}
