import ArgumentParser
import Foundation
import GenOTData
import GenOTFiles
import GenOTTraining

struct TrainVAECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-vae",
        abstract: "Train the conv VAE (negative ELBO, Adam); checkpoint after every epoch, then report the test loss.",
        discussion: "Writes checkpoints/<dataset>-vae.safetensors (weights, Adam state, config) and "
            + "checkpoints/<dataset>-vae-reconstructions.png. Needs the data: run scripts/fetch-data first.")

    @Option(help: "Dataset to model: mnist or fashion.") var dataset: DatasetName
    @Option(parsing: .unconditional, help: "Passes over the 60 000 training images (in total, when resuming).") var epochs = 10
    @Option(name: .customLong("latent-dim"), parsing: .unconditional, help: "Width d of the latent code.") var latentDim = 16
    @Option(name: .customLong("batch"), parsing: .unconditional, help: "Images per Adam step.") var batchSize = 128
    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Adam step size.") var learningRate: Float = 1e-3
    @Option(name: .customLong("kl-weight"), parsing: .unconditional, help: "β: weight of the KL term (1: the plain ELBO; more gives a smoother latent space, blurrier reconstructions).")
    var klWeight: Float = 1
    @Option(parsing: .unconditional, help: "Seed for the initial weights, the batch order and the reparameterisation noise.") var seed: UInt64 = 0
    @Option(help: "Checkpoint to write (default: checkpoints/<dataset>-vae.safetensors).") var out: String?
    @Flag(help: "Continue from the checkpoint at --out (weights, Adam state, epochs done).") var resume = false
    @Flag(help: "Replace an existing checkpoint at --out (without it, the command refuses to).") var force = false
    @OptionGroup var dataFolder: DataFolderOption
    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        guard epochs <= 10_000 else { throw ValidationError("--epochs must be at most 10000 (each is a pass over the training set), got \(epochs)") }
        guard (1...4096).contains(latentDim) else { throw ValidationError("--latent-dim must be in 1...4096, got \(latentDim)") }
        try requireFlag("--batch", batchSize, in: 1...4096, because: "a batch's convolution buffers grow with it")
        guard learningRate > 0, learningRate.isFinite else {
            throw ValidationError("--learning-rate must be positive, got \(learningRate)")
        }
        guard klWeight >= 0, klWeight.isFinite else { throw ValidationError("--kl-weight must be a number ≥ 0, got \(klWeight)") }
    }

    func run() throws {
        threads.apply()
        var config = VAETrainingConfig(dataset: dataset, output: out.map { URL(fileURLWithPath: $0) })
        config.epochs = epochs
        config.latentDim = latentDim
        config.batchSize = batchSize
        config.learningRate = learningRate
        config.klWeight = klWeight
        config.seed = seed
        config.resume = resume
        config.dataDirectory = dataFolder.url
        if !resume { try announceOutput(config.output, force: force, what: "VAE checkpoint", kind: "vae") }
        let report = try VAETraining.run(config, log: say)
        if !report.epochSeconds.isEmpty {
            say(String(format: "seconds per epoch: %.1f (mean of %d)",
                         report.epochSeconds.reduce(0, +) / Double(report.epochSeconds.count), report.epochSeconds.count))
        }
    }
}
