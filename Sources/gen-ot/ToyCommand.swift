import ArgumentParser
import Foundation
import GenOTEvaluation
import GenOTTraining

struct ToyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toy",
        abstract: "Train a 2-D map between toy distributions and draw samples and straight transport paths.")
    @Option(help: "Source: 8gaussians or gaussian.") var source = "8gaussians"
    @Option(help: "Target: moons, swissroll or checkerboard.") var target = "moons"
    @Option(help: "Where to write the SVG figure.") var svg: String
    @Option(help: "Also write a PNG rendering (no text).") var png: String?
    @OptionGroup var training: TransportOptions

    func validate() throws {
        guard ["8gaussians", "gaussian"].contains(source) else {
            throw ValidationError("--source must be 8gaussians or gaussian, got '\(source)'")
        }
        guard ["moons", "swissroll", "checkerboard"].contains(target) else {
            throw ValidationError("--target must be moons, swissroll or checkerboard, got '\(target)'")
        }
        guard svg.hasSuffix(".svg") else { throw ValidationError("--svg must end in .svg, got '\(svg)'") }
        if let png, !png.hasSuffix(".png") { throw ValidationError("--png must end in .png, got '\(png)'") }
    }

    func run() throws {
        training.threads.apply()
        _ = try ToyTransport.run(source: ToyDistribution(rawValue: source)!, target: ToyDistribution(rawValue: target)!,
                                 config: try training.apply(to: TransportPreset.toy),
                                 svg: URL(fileURLWithPath: svg), png: png.map { URL(fileURLWithPath: $0) }, log: say)
    }
}
