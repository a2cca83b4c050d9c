import Foundation
import GenOTData
import GenOTModels
import GenOTNN
import GenOTTensor

/// Trains the CNN classifier with softmax cross-entropy and Adam (cosine
/// learning-rate decay, random-shift augmentation), reporting test accuracy
/// after every epoch and writing the checkpoint.
public enum ClassifierTraining {
    public struct Report: Sendable {
        /// Mean training loss of each epoch.
        public var epochLosses: [Double] = []
        /// Wall-clock seconds of each epoch (training steps only).
        public var epochSeconds: [Double] = []
        /// Test accuracy after each epoch, in [0, 1].
        public var testAccuracies: [Double] = []
        public var checkpoint: URL
    }

    /// Loads the dataset named by `config` and trains on it.
    public static func run(_ config: ClassifierTrainingConfig, log: (String) -> Void) throws -> Report {
        try config.validate()
        let train = try Datasets.load(config.dataset, split: .train, dataDir: config.dataDirectory,
                                      requirement: .models(perClass: 1, because: "the model learns every class"))
        let test = try Datasets.load(config.dataset, split: .test, dataDir: config.dataDirectory,
                                     requirement: .models(perClass: 1, because: "every class is tested"))
        return try run(config, train: train, test: test, log: log)
    }

    /// Trains on the given images ([N, 1, 28, 28] in [0, 1]); tests pass small sets.
    public static func run(_ config: ClassifierTrainingConfig, train: LabeledImages, test: LabeledImages,
                           log: (String) -> Void) throws -> Report {
        try config.validate()
        config.summary.forEach(log)
        log(BLASCore.configLine)
        let classes = max(Datasets.classCount, (train.labels.max() ?? 0) + 1)
        let classifier = Classifier(classCount: classes, activation: config.activation, seed: config.seed)
        var optimizer = Adam(learningRate: config.learningRate)
        var report = Report(checkpoint: config.output)
        let stepsPerEpoch = MiniBatches(count: train.count, batchSize: config.batchSize, seed: 0).batchCount
        let totalSteps = max(stepsPerEpoch * config.epochs, 1)
        for epoch in 0..<config.epochs {
            let batches = MiniBatches(count: train.count, batchSize: config.batchSize, seed: config.seed, epoch: epoch)
            var shifts = SeededRandom(seed: config.seed &+ 0x5157_F7A1_C3E5_B00D &* UInt64(epoch + 1))
            let progress = Progress("epoch \(epoch + 1)/\(config.epochs)", total: train.count, unit: "images")
            let start = Date()
            var total = 0.0, seen = 0
            for (step, indices) in batches.enumerated() {
                let globalStep = epoch * stepsPerEpoch + step
                optimizer.learningRate = config.learningRate
                    * Float(0.5 * (1 + cos(Double.pi * Double(globalStep) / Double(totalSteps))))
                let (images, labels) = train.batch(indices)
                let x = Augmentation.randomShifts(images, maxShift: config.maxShift, using: &shifts)
                // Rows split into one shard per core, as in the VAE's step:
                // each shard's mean loss weighted by its share of the batch.
                let n = indices.count, shards = min(DataParallel.shardCount, n)
                let parameters = classifier.parameters
                let (loss, grads) = DataParallel.gradients(shards: shards, wrt: parameters.map(\.tensor)) { shard in
                    let (start, rows) = DataParallel.rows(shard, of: n, shards: shards)
                    let logits = classifier(x.slice(axis: 0, start: start, length: rows).reshaped([rows, 28, 28, 1]))
                    return Losses.softmaxCrossEntropy(logits: logits, labels: Array(labels[start..<(start + rows)]))
                        .scaled(by: Float(rows) / Float(n))
                }
                try TrainingError.requireFinite([("loss", loss)], step: "epoch \(epoch + 1), step \(step + 1)",
                                                learningRate: optimizer.learningRate)
                optimizer.step(parameters, gradients: grads)
                total += Double(loss) * Double(indices.count)
                seen += indices.count
                progress.update(seen, [("step", "\(step + 1)/\(batches.batchCount)"),
                                       ("loss", String(format: "%.4f", total / Double(seen)))])
            }
            let seconds = Date().timeIntervalSince(start)
            let accuracy = classifier.accuracy(images: test.images, labels: test.labels)
            report.epochLosses.append(total / Double(max(seen, 1)))
            report.epochSeconds.append(seconds)
            report.testAccuracies.append(accuracy)
            try TrainingCheckpoint.save(classifier, optimizer: nil, config: config, epochsDone: epoch + 1,
                                        extra: ["train.testAccuracy": String(format: "%.4f", accuracy)], to: config.output)
            log(String(format: "epoch %d/%d: train loss %.4f, test accuracy %.2f%%, %.1f s; saved %@", epoch + 1,
                       config.epochs, report.epochLosses.last!, 100 * accuracy, seconds, config.output.relativePath))
        }
        return report
    }
}
