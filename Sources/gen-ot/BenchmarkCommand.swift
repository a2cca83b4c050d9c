import ArgumentParser
import GenOTApps
import GenOTTransport

struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Quality benchmarks with known answers.",
        subcommands: [Gaussian.self, Mixture.self])

    struct Gaussian: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Random Gaussian source and target per dimension; UVP against the closed-form OT map (identity, linear map and gen-ot), inverse consistency, time.")
        @OptionGroup var benchmark: BenchmarkOptions
        @Flag(help: "Only time one training step per dimension and show where the time goes, by op.") var profile = false
        @OptionGroup var training: TransportOptions

        func run() throws {
            if profile {
                training.threads.apply()
                for d in benchmark.dimensions {
                    try GaussianBenchmark.profile(dimension: d, config: try training.apply(to: TransportPreset.pointCloud),
                                                  log: say)
                }
                return
            }
            try benchmark.run("Gaussian benchmark", training: training, preset: { _ in TransportPreset.pointCloud },
                              benchmark: GaussianBenchmark.run)
        }
    }
}
