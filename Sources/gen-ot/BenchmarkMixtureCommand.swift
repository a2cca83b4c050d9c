import ArgumentParser
import Foundation
import GenOTApps
import GenOTFiles
import GenOTTransport

extension BenchmarkCommand {
    struct Mixture: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A mixture of 3 Gaussians μ and its push-forward ν by ∇ψ, ψ strictly convex, splitting each source mode into 4 or more target modes (so the OT map ∇ψ is known); per dimension: UVP of the identity, the linear map and gen-ot, inverse UVP, inverse consistency, seconds.")
        @OptionGroup var benchmark: BenchmarkOptions
        @Flag(name: .customLong("baselines-only"),
              help: "Only print each pair's identity and linear-map UVPs (no training): how hard the pairs are.") var baselinesOnly = false
        @Option(help: "Write each pair to this existing folder and exit: mixture-d<d>-source.npy, -target.npy (the training sets), -test-x.npy (fresh x ~ μ) and -test-y.npy (∇ψ(x)), to fit and score from outside.")
        var export: String?
        @OptionGroup var training: TransportOptions

        func validate() throws {
            guard let export else { return }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: export, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--export must be an existing folder, got '\(export)'")
            }
            do { try OutputFile.refuseProtectedFolder(URL(fileURLWithPath: export), flag: "--export") } catch { throw ValidationError("\(error)") }
        }

        func run() throws {
            if let export {
                for d in benchmark.dimensions {
                    let urls = try MixtureBenchmark.export(dimension: d, points: benchmark.points, seed: training.runSeed,
                                                           to: URL(fileURLWithPath: export))
                    print("d = \(d): wrote " + urls.map(\.relativePath).joined(separator: ", "))
                }
                return
            }
            if baselinesOnly {
                print("Mixture benchmark baselines (seed \(training.runSeed), linear map fitted to \(benchmark.points) points per side):")
                print(try MixtureBenchmark.baselinesTable(dimensions: benchmark.dimensions, points: benchmark.points, seed: training.runSeed))
                return
            }
            try benchmark.run("Mixture benchmark", training: training, preset: { _ in TransportPreset.pointCloud },
                              benchmark: MixtureBenchmark.run)
        }
    }
}
