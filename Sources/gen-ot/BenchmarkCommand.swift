import ArgumentParser
import GenOTEvaluation

struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Quality benchmarks with known answers.",
        subcommands: [Gaussian.self])

    struct Gaussian: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Random Gaussian source and target per dimension; UVP against the closed-form OT map, inverse consistency, time.")
        @Option(help: "Comma-separated dimensions, e.g. 2,16,64.") var dim = "2,16,64"
        @Option(name: .customLong("evaluate-every"), parsing: .unconditional, help: "Print UVP every N steps (0: only at the end).") var evaluateEvery = 0
        @Flag(help: "Only time one training step per dimension and show where the time goes, by op.") var profile = false
        @OptionGroup var training: TransportOptions

        var dimensions: [Int] { dim.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

        func validate() throws {
            let parts = dim.split(separator: ",")
            guard !parts.isEmpty, dimensions.count == parts.count, dimensions.allSatisfy({ $0 > 0 }) else {
                throw ValidationError("--dim must be positive integers separated by commas, got '\(dim)'")
            }
            for d in dimensions { try requireFlag("--dim", d, in: 1...FlagLimits.benchmarkDimension, because: "a d × d covariance per dimension") }
            guard evaluateEvery >= 0 else { throw ValidationError("--evaluate-every must be ≥ 0") }
        }

        func run() throws {
            training.threads.apply()
            if profile {
                for d in dimensions {
                    try GaussianBenchmark.profile(dimension: d, config: try training.apply(to: GaussianBenchmark.defaultConfig(dimension: d)),
                                                  log: say)
                }
                return
            }
            let rows = try GaussianBenchmark.run(dimensions: dimensions, seed: training.seed, evaluateEvery: evaluateEvery,
                                                 configure: { d in
                                                     (try? training.apply(to: GaussianBenchmark.defaultConfig(dimension: d)))
                                                         ?? GaussianBenchmark.defaultConfig(dimension: d)
                                                 }, log: say)
            print("\nGaussian benchmark (seed \(training.seed)):")
            print(GaussianBenchmark.table(rows))
        }
    }
}
