import Foundation
import GenOTData
import GenOTMetrics
import GenOTModels
import GenOTTensor

/// `gen-ot calibrate`: choose the noise temperature T of a noise → latents
/// map (z ~ N(0, T²I)) by the FID of its decoded samples against training
/// images, so the test set that `evaluate` scores on plays no part in the
/// choice. A map trained by MMD spreads some mass into the gaps between a
/// class's clusters; T < 1 keeps samples nearer the typical ones, at some
/// cost in diversity, which the FID weighs.
public enum TemperatureCalibration {
    public static let defaultGrid: [Float] = [0.8, 0.85, 0.9, 0.95, 1]

    public struct Request: Sendable {
        public var dataset: DatasetName
        public var temperatures: [Float]
        public var perClass: Int
        /// Training images (the first ones of the split) the samples are compared with.
        public var referenceCount: Int
        public var checkpoints: CheckpointPaths
        public var dataDirectory: URL
        public var seed: UInt64

        public init(dataset: DatasetName, temperatures: [Float] = TemperatureCalibration.defaultGrid, perClass: Int = 1000,
                    referenceCount: Int = 10000, checkpoints: CheckpointPaths, dataDirectory: URL, seed: UInt64 = 0) {
            self.dataset = dataset; self.temperatures = temperatures; self.perClass = perClass
            self.referenceCount = referenceCount; self.checkpoints = checkpoints
            self.dataDirectory = dataDirectory; self.seed = seed
        }
    }

    public struct Result: Sendable {
        /// Scores at each temperature, in the request's order.
        public var rows: [(temperature: Float, scores: GenerativeScores)]
        /// The temperature with the lowest FID (the one nearest 1 on a tie).
        public var best: Float
        /// One line saying how `best` was chosen, for the map's metadata.
        public var provenance: String
    }

    /// Scores every temperature with the same noise seed; stores nothing.
    public static func run(_ request: Request, log: (String) -> Void) throws -> Result {
        precondition(!request.temperatures.isEmpty && request.perClass >= 2 && request.referenceCount >= 2)
        let classifier = try request.checkpoints.loadClassifier(request.dataset)
        let generator = try LatentSampling.generator(target: request.dataset, source: nil, checkpoints: request.checkpoints,
                                                     dataDirectory: request.dataDirectory, temperature: 1)
        let train = try Datasets.load(request.dataset, split: .train, dataDir: request.dataDirectory, requirement: .models())
        let reference = train.subset(indices: Array(0..<Swift.min(request.referenceCount, train.count)))
        let features = try FeatureReference(classifier: classifier, images: reference.images, labels: reference.labels,
                                            source: "the first \(reference.count) images of the \(request.dataset.rawValue) training set ("
                                                + Datasets.files(request.dataset, split: .train, dataDir: request.dataDirectory).labels.relativePath + ")")
        let labels = (0..<Datasets.classCount).flatMap { Array(repeating: $0, count: request.perClass) }
        log("scoring \(labels.count) samples per temperature against \(reference.count) training images")

        var rows: [(temperature: Float, scores: GenerativeScores)] = []
        for temperature in request.temperatures {
            let atT = try LatentGenerator(potential: generator.potential, vae: generator.vae, temperature: temperature)
            let scores = try features.score(atT.images(for: labels, seed: request.seed), labels: labels)
            log(String(format: "T = %.3f  accuracy %.1f%%  FID %.2f", temperature, 100 * scores.accuracy, scores.fid))
            rows.append((temperature, scores))
        }
        let best = rows.min { a, b in
            a.scores.fid != b.scores.fid ? a.scores.fid < b.scores.fid : abs(a.temperature - 1) < abs(b.temperature - 1)
        }!.temperature
        let table = rows.map { String(format: "%g: %.2f", $0.temperature, $0.scores.fid) }.joined(separator: ", ")
        let provenance = "lowest FID against the first \(reference.count) training images, \(request.perClass) samples per class, seed \(request.seed): \(table)"
        return Result(rows: rows, best: best, provenance: provenance)
    }
}
