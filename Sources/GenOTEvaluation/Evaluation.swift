import Foundation
import GenOTData
import GenOTModels
import GenOTTensor
import GenOTTraining

/// `gen-ot evaluate`: the transport model scored beside three references —
/// the VAE's reconstructions of the test set (the ceiling of any model in this
/// latent space), the training latents of each class drawn again (a model
/// that matched ν_c exactly, by memorising it) and a Gaussian fitted to each
/// class's latents (the naive baseline) — with a report people can look at.
public enum Evaluation {
    /// The class labels, in order.
    static let classes = 0..<Datasets.classCount

    public struct Request: Sendable {
        public var dataset: DatasetName
        public var perClass: Int
        public var output: URL
        public var checkpoints: CheckpointPaths
        public var dataDirectory: URL
        public var seed: UInt64

        public init(dataset: DatasetName, perClass: Int, output: URL, checkpoints: CheckpointPaths,
                    dataDirectory: URL, seed: UInt64) {
            self.dataset = dataset; self.perClass = perClass; self.output = output
            self.checkpoints = checkpoints; self.dataDirectory = dataDirectory; self.seed = seed
        }
    }

    public struct Metrics: Codable, Sendable {
        public var dataset: String
        public var perClass: Int
        public var transport: GenerativeScores
        public var reconstructions: GenerativeScores
        public var gaussianBaseline: GenerativeScores
        /// Decoded training latents of the class, drawn with replacement.
        public var trainingLatents: GenerativeScores
        public var seconds: Double
    }

    public static func run(_ request: Request, log: (String) -> Void) throws -> Metrics {
        let start = Date()
        let paths = request.checkpoints
        let classifier = try paths.loadClassifier(request.dataset)
        let generator = try LatentGenerator(potential: try paths.loadTransport(from: nil, to: request.dataset),
                                            vae: try paths.loadVAE(request.dataset))
        let vae = generator.vae
        let test = try Datasets.load(request.dataset, split: .test, dataDir: request.dataDirectory)
        let reference = FeatureReference(classifier: classifier, testImages: test.images, testLabels: test.labels)
        let labels = classes.flatMap { Array(repeating: $0, count: request.perClass) }
        log("scoring \(labels.count) generated images per model against \(test.count) test images")

        let generated = generator.images(for: labels, seed: request.seed)
        let transport = try reference.score(generated, labels: labels)

        // Reconstructions of (up to) perClass test images of each class.
        let testRows = classes.flatMap { c in test.labels.indices.filter { test.labels[$0] == c }.prefix(request.perClass) }
        let testSubset = test.subset(indices: testRows)
        let reconstructions = try reference.score(vae.reconstruct(images: testSubset.images), labels: testSubset.labels)

        // A Gaussian fitted to each class's training latents.
        let train = try Datasets.load(request.dataset, split: .train, dataDir: request.dataDirectory)
        let classLatents = LatentTransport.classLatents(train, vae: vae)
        var random = SeededRandom(seed: request.seed &+ 1)
        let naiveLatents = try Tensor.concat(classes.map { c in
            try Gaussian(fitting: classLatents[c]).sample(request.perClass, using: &random)
        }, axis: 0)
        let naiveImages = vae.decode(latents: naiveLatents)
        let baseline = try reference.score(naiveImages, labels: labels)

        // ν_c itself: what a map that matched it exactly would score.
        let drawnLatents = Tensor.concat(classes.map { c in
            let count = UInt64(classLatents[c].shape[0])
            return classLatents[c].gatherRows((0..<request.perClass).map { _ in Int(random.next() % count) })
        }, axis: 0)
        let memorised = try reference.score(vae.decode(latents: drawnLatents), labels: labels)

        let metrics = Metrics(dataset: request.dataset.rawValue, perClass: request.perClass, transport: transport,
                              reconstructions: reconstructions, gaussianBaseline: baseline, trainingLatents: memorised,
                              seconds: Date().timeIntervalSince(start))
        try writeReport(metrics, request: request, generated: generated, naive: naiveImages, generator: generator, test: test)
        return metrics
    }

    /// report.md, metrics.json and the PNGs beside them.
    static func writeReport(_ metrics: Metrics, request: Request, generated: Tensor, naive: Tensor,
                            generator: LatentGenerator, test: LabeledImages) throws {
        let dir = request.output
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let shown = 10
        func firstPerClass(_ images: Tensor) -> Tensor {
            images.gatherRows(classes.flatMap { c in (0..<shown).map { c * request.perClass + $0 } })
        }
        if request.perClass >= shown {
            try LatentOutputs.writeGrid(firstPerClass(generated), columns: shown, to: dir.appendingPathComponent("samples.png"))
            try LatentOutputs.writeGrid(firstPerClass(naive), columns: shown, to: dir.appendingPathComponent("gaussian-baseline.png"))
        }
        let points = 8
        let paths = Tensor.concat(classes.map { generator.pathImages(class: $0, count: 1, points: points, seed: request.seed &+ 7) }, axis: 0)
        try LatentOutputs.writeGrid(paths, columns: points, to: dir.appendingPathComponent("paths.png"))
        // Inversions: a test image of each class, then decoder(T_c(T_c⁻¹(y))).
        var pairs: [Tensor] = []
        var roundTrip: [Float] = []
        for c in classes {
            let row = test.labels.firstIndex(of: c)!
            let image = test.images.gatherRows([row]).reshaped([1, 28, 28])
            let (_, errors, regenerated) = generator.invert(images: image, class: c)
            pairs += [image, regenerated]
            roundTrip.append(errors[0])
        }
        try LatentOutputs.writeGrid(Tensor.concat(pairs, axis: 0), columns: 2, to: dir.appendingPathComponent("inversions.png"))

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(metrics).write(to: dir.appendingPathComponent("metrics.json"), options: .atomic)
        try markdown(metrics, meanRoundTrip: roundTrip.reduce(0, +) / 10).write(to: dir.appendingPathComponent("report.md"),
                                                                               atomically: true, encoding: .utf8)
    }

    static func markdown(_ m: Metrics, meanRoundTrip: Float) -> String {
        func row(_ name: String, _ s: GenerativeScores) -> String {
            String(format: "| %@ | %.1f%% | %.2f | %.2f |", name, 100 * s.accuracy, s.fid, s.meanClassFID)
        }
        let perClass = classes.map { c in
            String(format: "| %d | %.1f%% | %.1f%% | %.1f%% | %.1f%% |", c, 100 * m.transport.perClassAccuracy[c],
                   100 * m.gaussianBaseline.perClassAccuracy[c], 100 * m.trainingLatents.perClassAccuracy[c],
                   100 * m.reconstructions.perClassAccuracy[c])
        }
        return """
        # gen-ot evaluation: \(m.dataset)

        \(m.perClass) images per class, scored by the evaluation classifier
        (accuracy: share labelled as the requested class; FID on its 128-d
        features against the test set; class FID: mean over classes of the FID
        against that class's test images).

        | model | accuracy | FID | mean class FID |
        |---|---|---|---|
        \(row("HJ transport (noise → T_c → decoder)", m.transport))
        \(row("Gaussian fitted to each class's latents (naive)", m.gaussianBaseline))
        \(row("training latents of the class, redrawn (ν_c matched exactly)", m.trainingLatents))
        \(row("VAE reconstructions of test images (ceiling)", m.reconstructions))

        Mean ‖T_c(T_c⁻¹(y)) − y‖ over the inverted test images below: \(String(format: "%.4f", meanRoundTrip)).
        Evaluation took \(String(format: "%.0f", m.seconds)) s.

        ## Samples (one row per class)
        ![samples](samples.png)

        ## Naive baseline samples
        ![gaussian baseline](gaussian-baseline.png)

        ## Transport paths (x + s·t_f∇H(p), s from 0 to 1, decoded)
        ![paths](paths.png)

        ## Inversions (test image | decoder(T_c(T_c⁻¹(y))))
        ![inversions](inversions.png)

        ## Accuracy per class
        | class | transport | naive | training latents | reconstructions |
        |---|---|---|---|---|
        \(perClass.joined(separator: "\n"))

        """
    }
}

extension Evaluation {
    /// The paper's image experiment: every test image of the source dataset,
    /// class c, translated by T_c into the target's latent space and decoded,
    /// scored by the target's classifier against class c and the target's test
    /// set. Writes translations.png (source image | translated, a few per class).
    public static func runTranslation(source: DatasetName, target: DatasetName, output: URL,
                                      checkpoints: CheckpointPaths, dataDirectory: URL) throws -> GenerativeScores {
        let classifier = try checkpoints.loadClassifier(target)
        let potential = try checkpoints.loadTransport(from: source, to: target)
        let generator = try LatentGenerator(potential: potential, vae: try checkpoints.loadVAE(target))
        let sourceVAE = try checkpoints.loadVAE(source)
        let sourceTest = try Datasets.load(source, split: .test, dataDir: dataDirectory)
        let targetTest = try Datasets.load(target, split: .test, dataDir: dataDirectory)
        let latents = sourceVAE.encodeMean(images: sourceTest.images)
        var order: [Int] = [], mapped: [Tensor] = []
        for c in classes {
            let rows = sourceTest.labels.indices.filter { sourceTest.labels[$0] == c }
            mapped.append(potential.forwardMap(latents.gatherRows(rows), class: c))
            order += rows
        }
        let translated = generator.vae.decode(latents: Tensor.concat(mapped, axis: 0))
        let labels = order.map { sourceTest.labels[$0] }
        let reference = FeatureReference(classifier: classifier, testImages: targetTest.images, testLabels: targetTest.labels)
        let scores = try reference.score(translated, labels: labels)

        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var pairs: [Tensor] = []
        var offset = 0
        for c in classes {
            let count = labels.filter { $0 == c }.count
            for k in 0..<4 {
                pairs.append(sourceTest.images.gatherRows([order[offset + k]]).reshaped([1, 28, 28]))
                pairs.append(translated.gatherRows([offset + k]))
            }
            offset += count
        }
        try LatentOutputs.writeGrid(Tensor.concat(pairs, axis: 0), columns: 8,
                                    to: output.appendingPathComponent("translations.png"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(scores).write(to: output.appendingPathComponent("translation-metrics.json"), options: .atomic)
        return scores
    }
}
