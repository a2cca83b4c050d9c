import ArgumentParser
import GenOTTensor
#if GENOT_MPI
import GenOTMPI
#endif

@main
struct GenOT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen-ot",
        abstract: "Optimal-transport maps with neural Hamilton–Jacobi characteristic flows.",
        subcommands: [TrainVAECommand.self, TrainClassifierCommand.self, TrainTransportCommand.self, SampleCommand.self, InvertCommand.self, EvaluateCommand.self, CalibrateCommand.self,
                      FitCommand.self, MapCommand.self, BenchmarkCommand.self, ToyCommand.self, ColorTransferCommand.self, StripCommand.self, SpeedCommand.self,
                      DeprecatedBenchCommand.self])

    /// Re-executes with a better OpenBLAS core first when the library's own
    /// detection fell short (see `BLASCore`), flushes subnormal floats on
    /// every thread (see `Subnormals`), sets the allocator up for tensor
    /// work (see `Allocator`); then parses and runs the command. Built with
    /// MPI, it joins the job's ranks first (docs/mpi.md).
    static func main() {
        BLASCore.reexecWithBestCore()
        Subnormals.flushInThisProcess()
        Allocator.keepLargeBlocksOnTheHeap()
        #if GENOT_MPI
        runAsRank(MPIWorld.start())
        #else
        do {
            var command = try parseAsRoot(nil)
            try command.run()
        } catch {
            ParseMessage.exit(withError: error)
        }
        #endif
    }

    #if GENOT_MPI
    /// Runs the command on one rank of an MPI job. A failure on any rank
    /// stops every rank (`MPI_Abort`) with the message and the rank that
    /// failed, instead of leaving the others waiting in the next exchange.
    static func runAsRank(_ world: MPIWorld) {
        ProcessGroup.world = world
        do {
            var command = try parseAsRoot(nil)
            try command.run()
        } catch {
            let code = exitCode(for: error).rawValue
            guard code != 0 else { exit(withError: error) }   // --help, --version: printed by every rank, only rank 0's is shown
            let message = ParseMessage.rewrite(self.message(for: error)).map { ParseMessage.fullMessage(for: error, replacingFirstLineWith: $0) }
            world.abort(message ?? fullMessage(for: error), code: code)
        }
    }
    #endif
}
