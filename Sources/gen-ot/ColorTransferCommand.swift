import ArgumentParser
import Foundation
import GenOTApps
import GenOTTransport

struct ColorTransferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "color-transfer",
        abstract: "Move a photo's colours onto a reference's palette with an HJ transport map between their RGB distributions.")

    @Option(help: "The photo to recolour (RGB or RGBA PNG).") var source: String
    @Option(help: "The image whose palette to take (RGB or RGBA PNG).") var reference: String
    @Option(help: "Where to write the result (PNG, the source's size; alpha kept).") var out: String
    @Option(name: .customLong("side-by-side"), help: "Also write source | reference | result as one PNG.") var sideBySide: String?
    @Option(parsing: .unconditional, help: "Pixels drawn from each image to fit the map.") var samples = 4096
    @Flag(help: "Apply the inverse map to the reference instead (its colours onto the source's palette).") var inverse = false
    @OptionGroup var training: TransportOptions

    func validate() throws {
        try requireFlag("--samples", samples, in: 2...FlagLimits.colorSamples)
        guard out.lowercased().hasSuffix(".png") else { throw ValidationError("--out must end in .png, got '\(out)'") }
    }

    func run() throws {
        training.threads.apply()
        let start = Date()
        let (before, after) = try ColorTransfer.run(.init(
            source: URL(fileURLWithPath: source), reference: URL(fileURLWithPath: reference), output: URL(fileURLWithPath: out),
            sideBySide: sideBySide.map(URL.init(fileURLWithPath:)), samples: samples, inverse: inverse,
            config: try training.apply(to: TransportPreset.colorTransfer)), log: say)
        say(String(format: "against the target palette: histogram intersection %.3f → %.3f, sliced EMD %.4f → %.4f",
                   before.histogramIntersection, after.histogramIntersection, before.slicedEMD, after.slicedEMD))
        say("wrote \(out)\(sideBySide.map { " and \($0)" } ?? "") in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }
}
