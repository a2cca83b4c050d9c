import ArgumentParser

@main
struct GenOT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen-ot",
        abstract: "Optimal-transport maps with neural Hamilton–Jacobi characteristic flows.",
        subcommands: [BenchCommand.self, TrainVAECommand.self, TrainClassifierCommand.self])
}
