import ArgumentParser
import Foundation
import GenOTApps
import GenOTData

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score generated images (accuracy, FID) beside the VAE reconstructions and a per-class Gaussian; write a report.")

    @OptionGroup var map: MapSelection
    @Option(name: .customLong("per-class"), parsing: .unconditional, help: "Generated images per class (2...\(FlagLimits.perClass)).") var perClass = 1000
    @Option(help: "Folder for report.md, metrics.json and the PNGs (default: reports/<dataset>).") var out: String?
    @Option(help: "Also write each scored set (transport, gaussian, reconstructions, training-latents, and at T = 1) as IDX images and labels to this folder.")
    var export: String?
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Noise temperature T, z ~ N(0, T²I), for the transport and the Gaussian (default: the one `calibrate` stored in the map, else 1).") var temperature: Float?
    @OptionGroup var checkpointFolder: CheckpointFolderOption
    @OptionGroup var dataFolder: DataFolderOption
    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        try requireFlag("--per-class", perClass, in: 2...FlagLimits.perClass)
        try validateTemperature(temperature, source: map.source)
    }

    func run() throws {
        threads.apply()
        let paths = checkpointFolder.paths
        if let source = map.source, let target = map.target {
            if export != nil { throw ValidationError("--export applies to --dataset evaluations") }
            let output = URL(fileURLWithPath: out ?? "reports/\(source.rawValue)-to-\(target.rawValue)")
            let s = try Evaluation.runTranslation(source: source, target: target, output: output, checkpoints: paths,
                                                  dataDirectory: dataFolder.url)
            say(String(format: "%@ → %@: %@ classifier accuracy %.1f%%  FID %.2f  mean class FID %.2f", source.rawValue,
                       target.rawValue, target.rawValue, 100 * s.accuracy, s.fid, s.meanClassFID))
            say("wrote \(output.path)/translations.png and translation-metrics.json")
            return
        }
        let dataset = map.targetDataset
        let output = URL(fileURLWithPath: out ?? "reports/\(dataset.rawValue)")
        let m = try Evaluation.run(.init(dataset: dataset, perClass: perClass, output: output,
                                         checkpoints: paths,
                                         dataDirectory: dataFolder.url, seed: seed,
                                         temperature: temperature, export: export.map(URL.init(fileURLWithPath:))), log: say)
        let rows = [("transport", m.transport), ("gaussian baseline", m.gaussianBaseline),
                    ("training latents", m.trainingLatents), ("reconstructions", m.reconstructions)]
            + [("transport, T = 1", m.transportAtTemperatureOne), ("gaussian, T = 1", m.gaussianBaselineAtTemperatureOne)]
            .compactMap { name, scores in scores.map { (name, $0) } }
        say("noise temperature T = \(m.temperature)")
        for (name, s) in rows {
            say(String(format: "%-18@ accuracy %.1f%%  FID %.2f  mean class FID %.2f", name as NSString, 100 * s.accuracy, s.fid, s.meanClassFID))
        }
        say("report: \(output.appendingPathComponent("report.md").path)  (took \(String(format: "%.0f", m.seconds)) s)")
    }
}
