import ArgumentParser
import Foundation
import GenOTApps
import GenOTTransport

struct ToyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toy",
        abstract: "Train a 2-D map between toy distributions and draw samples and straight transport paths.")
    @Option(help: "Source: \(ToyCommand.names).") var source = "8gaussians"
    @Option(help: "Target: \(ToyCommand.names).") var target = "moons"
    @Option(help: "Where to write the SVG figure.") var svg: String
    @Option(help: "Also write a PNG rendering (no text).") var png: String?
    @OptionGroup var training: TransportOptions

    /// Every toy distribution works on either side.
    static let names = ToyDistribution.allCases.map(\.rawValue).joined(separator: ", ")

    func validate() throws {
        guard ToyDistribution(rawValue: source) != nil else {
            throw ValidationError("--source must be one of \(Self.names), got '\(source)'")
        }
        guard ToyDistribution(rawValue: target) != nil else {
            throw ValidationError("--target must be one of \(Self.names), got '\(target)'")
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
