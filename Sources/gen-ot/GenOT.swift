import ArgumentParser
import GenOTTensor

@main
struct GenOT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen-ot",
        abstract: "Optimal-transport maps with neural Hamilton–Jacobi characteristic flows.",
        subcommands: [TrainVAECommand.self, TrainClassifierCommand.self, TrainTransportCommand.self, SampleCommand.self, InvertCommand.self, EvaluateCommand.self, CalibrateCommand.self,
                      FitCommand.self, MapCommand.self, BenchmarkCommand.self, ToyCommand.self, ColorTransferCommand.self, StripCommand.self, BenchCommand.self])

    /// Re-executes with a better OpenBLAS core first when the library's own
    /// detection fell short (see `BLASCore`), sets the allocator up for tensor
    /// work (see `Allocator`); then parses and runs the command.
    static func main() {
        BLASCore.reexecWithBestCore()
        Allocator.keepLargeBlocksOnTheHeap()
        main(nil)
    }
}
