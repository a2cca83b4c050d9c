import ArgumentParser
import GenOTEvaluation

extension BenchmarkCommand {
    struct Mixture: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A mixture of 3 Gaussians and its push-forward by ∇ψ, ψ strictly convex with many more modes, per dimension; UVP against ∇ψ (identity, linear map and gen-ot), inverse UVP, inverse consistency, time.")
        @OptionGroup var benchmark: BenchmarkOptions
        @OptionGroup var training: TransportOptions

        func run() throws {
            try benchmark.run("Mixture benchmark", training: training, preset: MixtureBenchmark.defaultConfig,
                              benchmark: MixtureBenchmark.run)
        }
    }
}
