import ArgumentParser
import Foundation
import GenOTApps
import GenOTData
import GenOTFiles
import GenOTNN

struct InvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invert",
        abstract: "Map an image back to the noise that generates it: image → encoder mean y → z = T_c⁻¹(y).",
        discussion: """
        With --source A --target B (a between-datasets map), a B image goes back to A: y → T_c⁻¹(y) → A's decoder.
        Many images at once (noise maps): --idx FILE without --index, or --image FOLDER of PNGs, with --class C
        or --labels LABELS-IDX-FILE, and --out Z.npy: writes z [N, d] and prints per class how close it is to N(0, I).
        """)

    @OptionGroup var map: MapSelection
    @Option(name: .customLong("class"), parsing: .unconditional, help: "Class 0–9 of the image (of every image, in batch mode).") var label: Int?
    @Option(help: "A 28×28 PNG (grayscale or RGB), or a folder of them (batch mode).") var image: String?
    @Option(help: "An IDX images file (raw or .gz); without --index, every image in it (batch mode).") var idx: String?
    @Option(parsing: .unconditional, help: "Index of the image in --idx.") var index: Int?
    @Option(help: "Batch mode: an IDX labels file giving each image's class (instead of --class).") var labels: String?
    @Option(help: "Write z as a [1, d] float32 .npy ([N, d] in batch mode).") var out: String?
    @Option(help: "Write the image re-generated from z (decoder(T_c(z))) as PNG.") var png: String?
    @OptionGroup var checkpointFolder: CheckpointFolderOption

    /// Batch mode: every image of --idx (no --index), or every PNG of the folder --image.
    var batch: Bool {
        if idx != nil { return index == nil }
        var isFolder: ObjCBool = false
        return image.map { FileManager.default.fileExists(atPath: $0, isDirectory: &isFolder) } == true && isFolder.boolValue
    }

    func validate() throws {
        if let label, !(0..<10).contains(label) { throw ValidationError("--class must be 0–9, got \(label)") }
        guard (image != nil) != (idx != nil) else { throw ValidationError("give exactly one of --image FILE.png or --idx FILE [--index N]") }
        if let out, !out.hasSuffix(".npy") { throw ValidationError("--out must end in .npy, got '\(out)'") }
        if batch {
            guard out != nil, png == nil, map.dataset != nil else {
                throw ValidationError("many images at once (--idx without --index, or --image FOLDER) need --out Z.npy and --dataset, and take no --png")
            }
            guard (label != nil) != (labels != nil) else { throw ValidationError("give --class C or --labels FILE for the images' classes: expected one of the two, found " + (label == nil ? "neither" : "both")) }
        } else {
            guard label != nil, labels == nil else { throw ValidationError("give --class C (--labels is for many images at once): expected --class for one image, found " + (label == nil ? "no --class" : "--labels")) }
        }
    }

    func run() throws {
        let inputs = [image, idx, labels].compactMap { $0 }.map { URL(fileURLWithPath: $0) }
        for (flag, output) in [("--out", out), ("--png", png)] {
            guard let output else { continue }
            try OutputFile.refuseInputs(URL(fileURLWithPath: output), inputs, flag: flag)
            try OutputFile.refuseProtected(URL(fileURLWithPath: output), flag: flag)
            try OutputFile.checkWritable(URL(fileURLWithPath: output), flag: flag)
        }
        let paths = checkpointFolder.paths
        let domain = map.targetDataset, source = map.source
        let pair = try paths.loadPair(from: source, to: domain)
        let generator = try LatentGenerator(potential: pair.potential, vae: pair.vae)
        if batch, let out {
            let set = try LatentInversion.read(idx: idx.map(URL.init(fileURLWithPath:)), pngFolder: image.map(URL.init(fileURLWithPath:)),
                                               labelsFile: labels.map(URL.init(fileURLWithPath:)), label: label)
            for line in try LatentInversion.run(set, generator: generator, output: URL(fileURLWithPath: out)) { say(line) }
            return
        }
        let label = label!
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
