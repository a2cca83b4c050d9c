import ArgumentParser
import GenOTApps
import GenOTTransport

/// Flags shared by the benchmarks with a known map: which dimensions, how
/// many training points, how often to print the scores.
struct BenchmarkOptions: ParsableArguments {
    static let maxDimension = FlagLimits.benchmarkDimension
    /// Points per side held in memory (two [N, d] Float32 sets).
    static let maxPoints = 1_000_000
    /// Coordinates per training set (N·d): 200 MB of Float32 each.
    static let maxValues = 50_000_000

    @Option(parsing: .unconditional, help: "Comma-separated dimensions, each 1…\(maxDimension), e.g. 2,4,8,16,32,64,128.") var dim = "2,16,64"
    @Option(parsing: .unconditional, help: "Training points per side (finite sets, as `fit` sees them); more than the largest dimension, at most \(maxPoints).")
    var points = BenchmarkRow.defaultPoints
    @Option(name: .customLong("evaluate-every"), parsing: .unconditional, help: "Print UVP every N steps (0: only at the end).") var evaluateEvery = 0

    var dimensions: [Int] { dim.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        let parts = dim.split(separator: ",", omittingEmptySubsequences: false)
        guard !dim.isEmpty, dimensions.count == parts.count,
              dimensions.allSatisfy({ (1...Self.maxDimension).contains($0) }) else {
            throw ValidationError("--dim must be integers in 1…\(Self.maxDimension) separated by commas, got '\(dim)'")
        }
        guard points <= Self.maxPoints, let largest = dimensions.max(), points > largest else {
            throw ValidationError("--points must be more than the largest dimension (\(dimensions.max() ?? 0); the linear "
                                  + "baseline needs an invertible sample covariance) and at most \(Self.maxPoints), got \(points)")
        }
        guard points * largest <= Self.maxValues else {
            throw ValidationError("--points × the largest dimension must be at most \(Self.maxValues) (both training sets are held "
                                  + "in memory), got \(points) × \(largest)")
        }
        guard evaluateEvery >= 0 else { throw ValidationError("--evaluate-every must be ≥ 0, got \(evaluateEvery)") }
    }

    /// A benchmark's run over dimensions: (dimensions, seed, points, evaluate-every, config per d, log) → rows.
    typealias Benchmark = ([Int], UInt64, Int, Int, (Int) -> TransportConfig, (String) -> Void) throws -> [BenchmarkRow]

    /// Runs `benchmark` on the flags, each dimension with `preset(d)` and the
    /// given training flags applied, and prints the summary table.
    func run(_ title: String, training: TransportOptions, preset: @escaping (Int) -> TransportConfig,
             benchmark: Benchmark) throws {
        training.threads.apply()
        // The flags parsed in `validate`, so applying them cannot fail here.
        let rows = try benchmark(dimensions, training.runSeed, points, evaluateEvery,
                                 { d in (try? training.apply(to: preset(d))) ?? preset(d) }, say)
        print("\n\(title) (seed \(training.runSeed), \(points) points per side):")
        print(BenchmarkRow.table(rows))
    }
}
