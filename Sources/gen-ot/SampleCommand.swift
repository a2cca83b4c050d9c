import ArgumentParser
import Foundation
import GenOTData
import GenOTTraining

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Generate images: noise (or a source dataset's images) → T_c → decoder.")

    @Option(help: "Dataset of the map and VAE (noise → latents).") var dataset: DatasetName?
    @Option(help: "Source dataset of a between-datasets map (with --target): its test images are translated.") var source: DatasetName?
    @Option(help: "Target dataset of a between-datasets map (with --source).") var target: DatasetName?
    @Option(name: .customLong("class"), help: "A class 0–9, or 'all' for one row per class.") var label = "all"
    @Option(help: "Samples per class.") var count = 10
    @Option(help: "Where to write the PNG grid.") var png: String
    @Option(help: "Also write PREFIX-images-idx3-ubyte and PREFIX-labels-idx1-ubyte.") var idx: String?
    @Option(help: "Show each sample at K points along its characteristic (K ≥ 2).") var path: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Noise temperature T, z ~ N(0, T²I) (default: the one `calibrate` stored in the map, else 1).") var temperature: Float?
    @Option(help: "Folder with the checkpoints.") var checkpoints = "checkpoints"
    @Option(help: "Folder with the datasets (for --source).") var dataDir = "data"

    func validate() throws {
        if label != "all", Int(label).map({ (0..<10).contains($0) }) != true {
            throw ValidationError("--class must be 0–9 or 'all', got '\(label)'")
        }
        guard count >= 1 else { throw ValidationError("--count must be at least 1, got \(count)") }
        if let path, path < 2 { throw ValidationError("--path needs at least 2 points, got \(path)") }
        guard (dataset != nil) != (source != nil || target != nil), (source == nil) == (target == nil) else {
            throw ValidationError("give --dataset NAME, or --source A --target B")
        }
        try validateTemperature(temperature, source: source)
    }

    func run() throws {
        let request = LatentSampling.Request(
            target: dataset ?? target!, source: source, classes: Int(label).map { [$0] } ?? Array(0..<10),
            perClass: count, seed: seed, png: URL(fileURLWithPath: png), idxPrefix: idx, pathPoints: path,
            checkpoints: CheckpointPaths(directory: URL(fileURLWithPath: checkpoints)), dataDirectory: URL(fileURLWithPath: dataDir),
            temperature: temperature)
        for line in try LatentSampling.sample(request) { say(line) }
    }
}
