import ArgumentParser
import Foundation
import GenOTApps
import GenOTData
import GenOTFiles
import GenOTTransport

struct TrainTransportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-transport",
        abstract: "Learn the class-conditional HJ transport from noise (or another dataset's latents) to a dataset's VAE latents.",
        discussion: """
        Needs the VAE checkpoint(s): gen-ot train-vae --dataset NAME. \
        `--dataset mnist` maps N(0, I) to the latents of each class; \
        `--source fashion --target mnist` maps Fashion-MNIST class c latents to MNIST class c latents.
        """)

    @OptionGroup var map: MapSelection
    @Option(name: .customLong("class"), parsing: .unconditional, help: "Train only this class (0–9); others in an existing map keep their training.")
    var label: Int?
    @OptionGroup var dataFolder: DataFolderOption
    @OptionGroup var checkpointFolder: CheckpointFolderOption
    @Flag(help: "Continue the unfinished run saved in <map>.partial.safetensors (give the flags of the run that wrote it).") var resume = false
    @Flag(help: "Replace an existing map (without it, the command refuses to; --class and --resume update the map they name).") var force = false
    @Option(parsing: .unconditional, help: "Save the run in progress every N steps to <map>.partial.safetensors (0: never), so that --resume can continue it; the map is replaced only at the end.") var checkpointEvery = 1000
    @OptionGroup var training: TransportOptions

    func validate() throws {
        if let label, !(0..<10).contains(label) { throw ValidationError("--class must be 0–9, got \(label)") }
        if resume, label != nil { throw ValidationError("--resume continues a run of all classes; it cannot be combined with --class") }
        guard checkpointEvery >= 0 else { throw ValidationError("--checkpoint-every must be ≥ 0, got \(checkpointEvery)") }
    }

    func run() throws {
        training.threads.apply()
        let paths = checkpointFolder.paths
        if label == nil, !resume {
            try announceOutput(paths.transport(from: map.source, to: map.targetDataset), force: force, what: "transport map", kind: "hj-transport")
        }
        let request = LatentTransport.Request(
            target: map.targetDataset, source: map.source, onlyClass: label,
            config: try training.apply(to: TransportPreset.latent),
            dataDirectory: dataFolder.url, checkpoints: checkpointFolder.paths,
            resume: resume, checkpointEvery: checkpointEvery)
        try LatentTransport.train(request, log: say)
    }
}
