import Foundation
import GenOTFiles
import GenOTData
import GenOTImaging
import GenOTModels
import GenOTNN
import GenOTTensor

/// Trains the conv VAE: minimises the negative ELBO (BCE summed over pixels +
/// KL, averaged over the batch) with Adam, writes a checkpoint after every
/// epoch, then reports the test loss and writes a reconstruction grid.
public enum VAETraining {
    /// What a finished run measured.
    public struct Report: Sendable {
        /// Mean training loss (negative ELBO per image) of each epoch run now.
        public var epochLosses: [Double] = []
        /// Wall-clock seconds of each epoch run now (training steps only).
        public var epochSeconds: [Double] = []
        /// Test-set BCE and KL per image (one z sample per image, fixed seed).
        public var testBCE = Double.nan, testKL = Double.nan
        public var checkpoint: URL
        public var reconstructions: URL
    }

    /// Loads the dataset named by `config` and trains on it.
    public static func run(_ config: VAETrainingConfig, log: (String) -> Void) throws -> Report {
        try config.validate()
        if config.resume, !FileManager.default.fileExists(atPath: config.output.path) {
            throw FileError.noCheckpointToResume(config.output)   // before the data: fail fast
        }
        let train = try Datasets.load(config.dataset, split: .train, dataDir: config.dataDirectory,
                                      requirement: .models(perClass: 1, because: "the model learns every class"))
        let test = try Datasets.load(config.dataset, split: .test, dataDir: config.dataDirectory,
                                     requirement: .models(perClass: 1, because: "every class is tested"))
        return try run(config, train: train, test: test, log: log)
    }

    /// Trains on the given images ([N, 1, 28, 28] in [0, 1]); tests pass small sets.
    public static func run(_ config: VAETrainingConfig, train: LabeledImages, test: LabeledImages,
                           log: (String) -> Void) throws -> Report {
        try config.validate()
        config.summary.forEach(log)
        log(BLASCore.configLine)
        var (vae, optimizer, epochsDone) = (VAE(latentDim: config.latentDim, seed: config.seed),
                                            Adam(learningRate: config.learningRate), 0)
        if config.resume {
            (vae, optimizer, epochsDone) = try TrainingCheckpoint.resume(
                VAE.self, config: config, architecture: vae.architecture, learningRate: config.learningRate, from: config.output)
            log("resuming \(config.output.relativePath) after epoch \(epochsDone) (Adam step \(optimizer.stepCount))")
        }
        var report = Report(checkpoint: config.output, reconstructions: config.reconstructionsFile)
        if epochsDone >= config.epochs { log("already trained \(epochsDone) epochs; evaluating only") }
        for epoch in epochsDone..<max(epochsDone, config.epochs) {
            let (loss, seconds) = try trainEpoch(vae, &optimizer, epoch: epoch, images: train, config: config)
            report.epochLosses.append(loss)
            report.epochSeconds.append(seconds)
            // Under MPI every rank holds the same model; rank 0 writes it.
            if ProcessGroup.world.isRoot {
                try TrainingCheckpoint.save(vae, optimizer: optimizer, config: config, epochsDone: epoch + 1,
                                            extra: ["train.lastEpochLoss": String(format: "%.4f", loss),
                                                    "train.lastEpochSeconds": String(format: "%.2f", seconds)],
                                            to: config.output)
            }
            log(String(format: "epoch %d/%d: train loss %.3f per image, %.1f s (%.0f images/s); saved %@",
                       epoch + 1, config.epochs, loss, seconds, Double(train.count) / seconds, config.output.relativePath))
        }
        (report.testBCE, report.testKL) = evaluate(vae, images: test, seed: config.seed)
        log(String(format: "test (%d images): BCE %.3f + KL %.3f = %.3f per image",
                   test.count, report.testBCE, report.testKL, report.testBCE + report.testKL))
        if ProcessGroup.world.isRoot { try writeReconstructions(vae, images: test, to: config.reconstructionsFile) }
        log("wrote \(config.reconstructionsFile.relativePath) (rows: test images, then their reconstructions)")
        return report
    }

    /// One pass over `images` in the epoch's seeded order; returns the mean
    /// loss per image and the seconds taken.
    static func trainEpoch(_ vae: VAE, _ optimizer: inout Adam, epoch: Int, images: LabeledImages,
                           config: VAETrainingConfig) throws -> (loss: Double, seconds: Double) {
        let batches = MiniBatches(count: images.count, batchSize: config.batchSize, seed: config.seed, epoch: epoch)
        // The noise stream depends on (seed, epoch) only, like the batch order: resuming is exact.
        var noise = SeededRandom(seed: config.seed &+ 0xD1B5_4A32_D192_ED03 &* UInt64(epoch + 1))
        let progress = Progress("epoch \(epoch + 1)/\(config.epochs)", total: images.count, unit: "images")
        let start = Date()
        var total = 0.0, seen = 0
        for (step, indices) in batches.enumerated() {
            let x = images.batch(indices).images
            // Rows split into one shard per core (VAE.negativeELBOGradients).
            let (loss, _, _, grads) = vae.negativeELBOGradients(images: x, noise: noise.normal([indices.count, config.latentDim]),
                                                                klWeight: config.klWeight)
            try TrainingError.requireFinite([("loss", loss)], step: "epoch \(epoch + 1), step \(step + 1)",
                                            learningRate: optimizer.learningRate)
            optimizer.step(vae.parameters, gradients: grads)
            total += Double(loss) * Double(indices.count)
            seen += indices.count
            progress.update(seen, [("step", "\(step + 1)/\(batches.batchCount)"),
                                   ("loss", String(format: "%.3f", total / Double(seen)))])
        }
        return (total / Double(max(seen, 1)), Date().timeIntervalSince(start))
    }

    /// Test BCE and KL per image, without gradients, one z sample per image
    /// from a fixed stream (so two evaluations of a model agree).
    public static func evaluate(_ vae: VAE, images: LabeledImages, seed: UInt64,
                                batchSize: Int = 500) -> (bce: Double, kl: Double) {
        var noise = SeededRandom(seed: seed ^ 0x7E57)
        var bce = 0.0, kl = 0.0
        withoutGradient {
            for indices in MiniBatches(order: Array(0..<images.count), batchSize: batchSize) {
                let objective = vae.negativeELBO(images: images.batch(indices).images,
                                                 noise: noise.normal([indices.count, vae.latentDim]))
                bce += Double(objective.reconstruction.scalarValue)
                kl += Double(objective.kl.scalarValue)
            }
        }
        let n = Double(max(images.count, 1))
        return (bce / n, kl / n)
    }

    /// A grid of the first test images (rows of 16) each above its
    /// reconstruction decode(encodeMean(x)).
    static func writeReconstructions(_ vae: VAE, images: LabeledImages, to url: URL, count: Int = 64) throws {
        let shown = min(count, images.count)
        guard shown > 0 else { return }
        let originals = images.batch(Array(0..<shown)).images
        let rebuilt = vae.reconstruct(images: originals)
        let size = 28 * 28, perRow = 16
        var rows: [[[Float]]] = []
        for start in stride(from: 0, to: shown, by: perRow) {
            let range = start..<min(start + perRow, shown)
            rows.append(range.map { Array(originals.storage[($0 * size)..<(($0 + 1) * size)]) })
            rows.append(range.map { Array(rebuilt.storage[($0 * size)..<(($0 + 1) * size)]) })
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try PNG.write(ImageGrid.make(rows: rows, imageWidth: 28, imageHeight: 28), to: url)
    }
}
