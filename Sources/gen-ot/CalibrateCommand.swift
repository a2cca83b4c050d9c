import ArgumentParser
import Foundation
import GenOTApps
import GenOTData
import GenOTModels

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Choose the noise temperature of a map by FID against training images, and store it in the map for sample and evaluate.")

    @Option(help: "Dataset of the noise → latents map.") var dataset: DatasetName
    @Option(parsing: .unconditional, help: "Temperatures to try, comma-separated.") var temperatures = TemperatureCalibration.defaultGrid.map { "\($0)" }.joined(separator: ",")
    @Option(name: .customLong("per-class"), parsing: .unconditional, help: "Samples per class and temperature (2...\(FlagLimits.perClass)).") var perClass = 1000
    @Option(parsing: .unconditional, help: "Random seed (the same noise at every temperature).") var seed: UInt64 = 0
    @Flag(help: "Print the scores without storing the choice.") var dryRun = false
    @OptionGroup var checkpointFolder: CheckpointFolderOption
    @OptionGroup var dataFolder: DataFolderOption
    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        try requireFlag("--per-class", perClass, in: 2...FlagLimits.perClass)
        _ = try parsedTemperatures()
    }

    func parsedTemperatures() throws -> [Float] {
        let values = temperatures.split(separator: ",", omittingEmptySubsequences: false).map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0.map { $0 > 0 && $0 <= FlagLimits.temperature } ?? false }) else {
            throw ValidationError("--temperatures must be positive numbers (at most \(Int(FlagLimits.temperature))) separated by commas, got '\(temperatures)'")
        }
        guard values.count <= 100 else { throw ValidationError("--temperatures must list at most 100 values, got \(values.count)") }
        return values.map { $0! }
    }

    func run() throws {
        threads.apply()
        let paths = checkpointFolder.paths
        let result = try TemperatureCalibration.run(
            .init(dataset: dataset, temperatures: try parsedTemperatures(), perClass: perClass, checkpoints: paths,
                  dataDirectory: dataFolder.url, seed: seed), log: say)
        let map = paths.transport(from: nil, to: dataset)
        let grid = try parsedTemperatures()
        if grid.count > 1, result.best == grid.min() || result.best == grid.max(), result.best != 1 {
            say("note: T = \(result.best) is at the edge of the grid; a wider --temperatures may find a lower FID")
        }
        if dryRun {
            say("best: T = \(result.best) (not stored: --dry-run)")
            return
        }
        try SamplingTemperature.store(result.best, provenance: result.provenance, in: map)
        say("best: T = \(result.best), stored in \(map.path) (sample and evaluate use it unless given --temperature)")
    }
}
