import Foundation
import GenOTData
import GenOTFiles
import GenOTMetrics
import GenOTModels
import GenOTTensor

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
        /// Noise temperature of the transport and the Gaussian; nil: the map's stored one.
        public var temperature: Float?
        /// Where to write each scored set as IDX images and labels (nil: nowhere),
        /// so that outside scorers can score the very same images.
        public var export: URL?

        public init(dataset: DatasetName, perClass: Int, output: URL, checkpoints: CheckpointPaths,
                    dataDirectory: URL, seed: UInt64, temperature: Float? = nil, export: URL? = nil) {
            self.dataset = dataset; self.perClass = perClass; self.output = output
            self.checkpoints = checkpoints; self.dataDirectory = dataDirectory; self.seed = seed
            self.temperature = temperature; self.export = export
        }
    }

    public struct Metrics: Codable, Sendable {
        public var dataset: String
        public var perClass: Int
        /// T of the noise behind `transport` and `gaussianBaseline`: z ~ N(0, T²I).
        public var temperature: Float
        public var transport: GenerativeScores
        public var reconstructions: GenerativeScores
        public var gaussianBaseline: GenerativeScores
        /// Decoded training latents of the class, drawn with replacement.
        public var trainingLatents: GenerativeScores
        /// The transport and the Gaussian at T = 1 as well, when T ≠ 1.
        public var transportAtTemperatureOne: GenerativeScores?
        public var gaussianBaselineAtTemperatureOne: GenerativeScores?
        public var seconds: Double
    }

    public static func run(_ request: Request, log: (String) -> Void) throws -> Metrics {
        let start = Date()
        try OutputFile.checkFolder(request.output, flag: "--out")
        try OutputFile.refuseProtectedFolder(request.output, flag: "--out")
        if let export = request.export {
            try OutputFile.checkFolder(export, flag: "--export")
            try OutputFile.refuseProtectedFolder(export, flag: "--export")
            try OutputFile.refuseProtected(export.appendingPathComponent("x"), dataFolder: request.dataDirectory, flag: "--export")
        }
        // Each scored set, named as in the export folder.
        var scoredSets: [(name: String, images: Tensor, labels: [Int])] = []
        func scored(_ name: String, _ images: Tensor, _ labels: [Int], by reference: FeatureReference) throws -> GenerativeScores {
            if request.export != nil { scoredSets.append((name, images, labels)) }
            return try reference.score(images, labels: labels)
        }
        let paths = request.checkpoints
        let classifier = try paths.loadClassifier(request.dataset)
        let generator = try LatentSampling.generator(target: request.dataset, source: nil, checkpoints: paths,
                                                     dataDirectory: request.dataDirectory, temperature: request.temperature)
        let vae = generator.vae, temperature = generator.temperature
        let test = try Datasets.load(request.dataset, split: .test, dataDir: request.dataDirectory,
                                     requirement: .models(perClass: 2, because: "each class's FID needs a covariance"))
        let reference = try FeatureReference(classifier: classifier, images: test.images, labels: test.labels,
                                             source: "the \(request.dataset.rawValue) test set")
        let labels = classes.flatMap { Array(repeating: $0, count: request.perClass) }
        log("scoring \(labels.count) generated images per model against \(test.count) test images (noise temperature \(temperature))")

        let generated = generator.images(for: labels, seed: request.seed)
        let transport = try scored("transport", generated, labels, by: reference)
        let transportAtOne = temperature == 1 ? nil : try scored(
            "transport-t1", LatentGenerator(potential: generator.potential, vae: vae).images(for: labels, seed: request.seed), labels,
            by: reference)

        // Reconstructions of (up to) perClass test images of each class.
        let testRows = classes.flatMap { c in test.labels.indices.filter { test.labels[$0] == c }.prefix(request.perClass) }
        let testSubset = test.subset(indices: testRows)
        let reconstructions = try scored("reconstructions", vae.reconstruct(images: testSubset.images), testSubset.labels, by: reference)

        // A Gaussian fitted to each class's training latents, at the same temperature.
        let train = try Datasets.load(request.dataset, split: .train, dataDir: request.dataDirectory,
                                      requirement: .models(perClass: vae.latentDim + 1,
                                                           because: "the Gaussian baseline fits a \(vae.latentDim) × \(vae.latentDim) covariance per class"))
        let classLatents = LatentTransport.classLatents(train, vae: vae)
        let fits = classLatents.map { Gaussian(fitting: $0) }
        func naiveImages(at temperature: Float, using random: inout SeededRandom) throws -> Tensor {
            vae.decode(latents: try Tensor.concat(fits.map { try $0.sample(request.perClass, temperature: temperature, using: &random) }, axis: 0))
        }
        var random = SeededRandom(seed: request.seed &+ 1)
        let naive = try naiveImages(at: temperature, using: &random)
        let baseline = try scored("gaussian", naive, labels, by: reference)
        var unitRandom = SeededRandom(seed: request.seed &+ 1)
        let baselineAtOne = temperature == 1 ? nil : try scored("gaussian-t1", try naiveImages(at: 1, using: &unitRandom), labels,
                                                                by: reference)

        // ν_c itself: what a map that matched it exactly would score.
        let drawnLatents = Tensor.concat(classes.map { c in
            let count = UInt64(classLatents[c].shape[0])
            return classLatents[c].gatherRows((0..<request.perClass).map { _ in Int(random.next() % count) })
        }, axis: 0)
        let memorised = try scored("training-latents", vae.decode(latents: drawnLatents), labels, by: reference)

        let metrics = Metrics(dataset: request.dataset.rawValue, perClass: request.perClass, temperature: temperature,
                              transport: transport, reconstructions: reconstructions, gaussianBaseline: baseline,
                              trainingLatents: memorised, transportAtTemperatureOne: transportAtOne,
                              gaussianBaselineAtTemperatureOne: baselineAtOne, seconds: Date().timeIntervalSince(start))
        try writeReport(metrics, request: request, generated: generated, naive: naive, generator: generator, test: test)
        if let export = request.export {
            try FileManager.default.createDirectory(at: export, withIntermediateDirectories: true)
            for set in scoredSets {
                _ = try LatentOutputs.writeIDX(set.images, labels: set.labels, prefix: export.appendingPathComponent(set.name).path)
            }
            log("wrote \(scoredSets.map(\.name).joined(separator: ", ")) to \(export.relativePath) as <name>-images-idx3-ubyte and <name>-labels-idx1-ubyte")
        }
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
        try AtomicFile.write(try encoder.encode(metrics), to: dir.appendingPathComponent("metrics.json"))
        try AtomicFile.write(Data(markdown(metrics, meanRoundTrip: roundTrip.reduce(0, +) / 10).utf8),
                             to: dir.appendingPathComponent("report.md"))
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
        let t = "T = \(m.temperature)"
        let atOne = [("HJ transport at T = 1", m.transportAtTemperatureOne), ("Gaussian at T = 1", m.gaussianBaselineAtTemperatureOne)]
            .compactMap { name, scores in scores.map { "\n" + row(name, $0) } }.joined()
        return """
        # gen-ot evaluation: \(m.dataset)

        \(m.perClass) images per class, scored by the evaluation classifier
        (accuracy: share labelled as the requested class; FID on its 128-d
        features against the test set; class FID: mean over classes of the FID
        against that class's test images). The transport and the Gaussian draw
        their noise at temperature \(t) (z ~ N(0, T²I); `gen-ot calibrate`
        picks T by FID against training images and stores it in the map).

        | model | accuracy | FID | mean class FID |
        |---|---|---|---|
        \(row("HJ transport (noise → T_c → decoder), \(t)", m.transport))
        \(row("Gaussian fitted to each class's latents (naive), \(t)", m.gaussianBaseline))
        \(row("training latents of the class, redrawn (ν_c matched exactly)", m.trainingLatents))
        \(row("VAE reconstructions of test images (ceiling)", m.reconstructions))\(atOne)

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
        try OutputFile.checkFolder(output, flag: "--out")
        try OutputFile.refuseProtectedFolder(output, flag: "--out")
        let classifier = try checkpoints.loadClassifier(target)
        let pair = try checkpoints.loadPair(from: source, to: target)
        let potential = pair.potential
        let generator = try LatentGenerator(potential: potential, vae: pair.vae)
        let sourceVAE = pair.sourceVAE!
        let sourceTest = try Datasets.load(source, split: .test, dataDir: dataDirectory,
                                           requirement: .models(perClass: 2, because: "each class is translated and scored"))
        let targetTest = try Datasets.load(target, split: .test, dataDir: dataDirectory,
                                           requirement: .models(perClass: 2, because: "each class's FID needs a covariance"))
        let latents = sourceVAE.encodeMean(images: sourceTest.images)
        var order: [Int] = [], mapped: [Tensor] = []
        for c in classes {
            let rows = sourceTest.labels.indices.filter { sourceTest.labels[$0] == c }
            mapped.append(potential.forwardMap(latents.gatherRows(rows), class: c))
            order += rows
        }
        let translated = generator.vae.decode(latents: Tensor.concat(mapped, axis: 0))
        let labels = order.map { sourceTest.labels[$0] }
        let reference = try FeatureReference(classifier: classifier, images: targetTest.images, labels: targetTest.labels,
                                             source: "the \(target.rawValue) test set")
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
        try AtomicFile.write(try encoder.encode(scores), to: output.appendingPathComponent("translation-metrics.json"))
        return scores
    }
}
