import ArgumentParser
import Foundation
import GenOTData
import GenOTFiles
import GenOTNN
import GenOTTraining

struct TrainClassifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-classifier",
        abstract: "Train the CNN classifier (its 128-d features score generated images); report test accuracy.",
        discussion: "Writes checkpoints/<dataset>-classifier.safetensors after every epoch. "
            + "Needs the data: run scripts/fetch-data first.")

    @Option(help: "Dataset to classify: mnist or fashion.") var dataset: DatasetName
    @Option(parsing: .unconditional, help: "Passes over the 60 000 training images.") var epochs = 10
    @Option(name: .customLong("batch"), parsing: .unconditional, help: "Images per Adam step.") var batchSize = 128
    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Initial Adam step size (cosine decay to 0).") var learningRate: Float = 1e-3
    @Option(name: .customLong("max-shift"), parsing: .unconditional, help: "Largest random shift of a training image in pixels (0: none).")
    var maxShift = 2
    @Option(parsing: .unconditional, help: "Seed for the initial weights, the batch order and the shifts.") var seed: UInt64 = 0
    @Option(help: "Checkpoint to write (default: checkpoints/<dataset>-classifier.safetensors).") var out: String?
    @Flag(help: "Replace an existing checkpoint at --out (without it, the command refuses to).") var force = false
    @OptionGroup var dataFolder: DataFolderOption
    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        guard epochs <= 10_000 else { throw ValidationError("--epochs must be at most 10000 (each is a pass over the training set), got \(epochs)") }
        try requireFlag("--batch", batchSize, in: 1...4096, because: "a batch's convolution buffers grow with it")
        guard learningRate > 0, learningRate.isFinite else {
            throw ValidationError("--learning-rate must be positive, got \(learningRate)")
        }
        guard (0...8).contains(maxShift) else { throw ValidationError("--max-shift must be in 0...8, got \(maxShift)") }
    }

    func run() throws {
        threads.apply()
        var config = ClassifierTrainingConfig(dataset: dataset, output: out.map { URL(fileURLWithPath: $0) })
        config.epochs = epochs
        config.batchSize = batchSize
        config.learningRate = learningRate
        config.maxShift = maxShift
        config.seed = seed
        config.dataDirectory = dataFolder.url
        try announceOutput(config.output, force: force, what: "classifier checkpoint", kind: "classifier")
        let report = try ClassifierTraining.run(config, log: say)
        say(String(format: "test accuracy %.2f%% after %d epochs; %.1f s per epoch", 100 * (report.testAccuracies.last ?? .nan),
                     report.testAccuracies.count, report.epochSeconds.reduce(0, +) / Double(max(report.epochSeconds.count, 1))))
    }
}
