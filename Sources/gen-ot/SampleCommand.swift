import ArgumentParser
import Foundation
import GenOTApps
import GenOTData

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Generate images: noise (or a source dataset's images) → T_c → decoder.")

    @OptionGroup var map: MapSelection
    @Option(name: .customLong("class"), parsing: .unconditional, help: "A class 0–9, or 'all' for one row per class.") var label = "all"
    // `.unconditional`: so that `--count -1` is read as a number and refused as one.
    @Option(parsing: .unconditional, help: "Samples per class (at most \(FlagLimits.perClass)).") var count = 10
    @Option(help: "Where to write the PNG grid.") var png: String
    @Option(help: "Also write PREFIX-images-idx3-ubyte and PREFIX-labels-idx1-ubyte.") var idx: String?
    @Option(parsing: .unconditional, help: "Show each sample at K points along its characteristic (2 ≤ K ≤ \(FlagLimits.pathPoints)).") var path: Int?
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Noise temperature T, z ~ N(0, T²I) (default: the one `calibrate` stored in the map, else 1).") var temperature: Float?
    @OptionGroup var checkpointFolder: CheckpointFolderOption
    @OptionGroup var dataFolder: DataFolderOption

    func validate() throws {
        if label != "all", Int(label).map({ (0..<10).contains($0) }) != true {
            throw ValidationError("--class must be 0–9 or 'all', got '\(label)'")
        }
        try requireFlag("--count", count, in: 1...FlagLimits.perClass)
        if let path { try requireFlag("--path", path, in: 2...FlagLimits.pathPoints) }
        let images = count * (label == "all" ? 10 : 1) * (path ?? 1)
        guard images <= FlagLimits.images else {
            throw ValidationError("--count × classes × --path asks for \(images) images, at most \(FlagLimits.images) fit in one run")
        }
        try validateTemperature(temperature, source: map.source)
    }

    func run() throws {
        let request = LatentSampling.Request(
            target: map.targetDataset, source: map.source, classes: Int(label).map { [$0] } ?? Array(0..<10),
            perClass: count, seed: seed, png: URL(fileURLWithPath: png), idxPrefix: idx, pathPoints: path,
            checkpoints: checkpointFolder.paths, dataDirectory: dataFolder.url,
            temperature: temperature)
        for line in try LatentSampling.sample(request) { say(line) }
    }
}
