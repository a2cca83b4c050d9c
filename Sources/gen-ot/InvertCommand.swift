import ArgumentParser
import Foundation
import GenOTData
import GenOTFiles
import GenOTNN
import GenOTTraining

struct InvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invert",
        abstract: "Map an image back to the noise that generates it: image → encoder mean y → z = T_c⁻¹(y).",
        discussion: "With --source A --target B (a between-datasets map), a B image goes back to A: y → T_c⁻¹(y) → A's decoder.")

    @Option(help: "Dataset of the map and VAE (noise → latents).") var dataset: DatasetName?
    @Option(help: "Source dataset of a between-datasets map (with --target).") var source: DatasetName?
    @Option(help: "Target dataset of a between-datasets map (with --source); the image is from this domain.") var target: DatasetName?
    @Option(name: .customLong("class"), help: "Class 0–9 of the image.") var label: Int
    @Option(help: "A 28×28 PNG (grayscale or RGB).") var image: String?
    @Option(help: "An IDX images file (raw or .gz), with --index.") var idx: String?
    @Option(help: "Index of the image in --idx.") var index: Int?
    @Option(help: "Write z as a [1, d] float32 .npy.") var out: String?
    @Option(help: "Write the image re-generated from z (decoder(T_c(z))) as PNG.") var png: String?
    @Option(help: "Folder with the checkpoints.") var checkpoints = "checkpoints"

    func validate() throws {
        guard (0..<10).contains(label) else { throw ValidationError("--class must be 0–9, got \(label)") }
        guard (image != nil) != (idx != nil) else { throw ValidationError("give exactly one of --image FILE.png or --idx FILE --index N") }
        if idx != nil, index == nil { throw ValidationError("--idx needs --index N") }
        if let out, !out.hasSuffix(".npy") { throw ValidationError("--out must end in .npy, got '\(out)'") }
        guard (dataset != nil) != (source != nil || target != nil), (source == nil) == (target == nil) else {
            throw ValidationError("give --dataset NAME, or --source A --target B")
        }
    }

    func run() throws {
        let inputs = [image, idx].compactMap { $0 }.map { URL(fileURLWithPath: $0) }
        for (flag, output) in [("--out", out), ("--png", png)] {
            guard let output else { continue }
            try OutputFile.refuseInputs(URL(fileURLWithPath: output), inputs, flag: flag)
            try OutputFile.refuseProtected(URL(fileURLWithPath: output), flag: flag)
        }
        if let out, out == png { throw ValidationError("--out and --png name the same file '\(out)'") }
        let paths = CheckpointPaths(directory: URL(fileURLWithPath: checkpoints))
        let domain = dataset ?? target!
        let pair = try paths.loadPair(from: source, to: domain)
        let generator = try LatentGenerator(potential: pair.potential, vae: pair.vae)
        let picture = try LatentOutputs.readImage(png: image.map(URL.init(fileURLWithPath:)),
                                                  idx: idx.map(URL.init(fileURLWithPath:)), index: index)
        if let source {
            let (x, errors, back) = generator.invertToSource(images: picture, class: label, sourceVAE: pair.sourceVAE!)
            say(String(format: "‖T(T⁻¹(y)) − y‖ = %.4g", errors[0]))
            if let out { try NPY.write(x, to: URL(fileURLWithPath: out)); say("wrote \(out) (\(source.rawValue) latent)") }
            if let png { try LatentOutputs.writeGrid(back, columns: 1, to: URL(fileURLWithPath: png)); say("wrote \(png) (\(source.rawValue) image)") }
            return
        }
        let (noise, errors, regenerated) = generator.invert(images: picture, class: label)
        say("z = T⁻¹(y): [" + noise.storage.map { String(format: "%.3f", $0) }.joined(separator: ", ") + "]")
        say(String(format: "‖T(T⁻¹(y)) − y‖ = %.4g", errors[0]))
        if let out { try NPY.write(noise, to: URL(fileURLWithPath: out)); say("wrote \(out)") }
        if let png { try LatentOutputs.writeGrid(regenerated, columns: 1, to: URL(fileURLWithPath: png)); say("wrote \(png)") }
    }
}
