import Foundation
import GenOTFiles
import GenOTModels
import GenOTTensor
import GenOTTransport

/// `gen-ot fit` and `gen-ot map`: transport between two point clouds in any
/// dimension, with an unconditional potential.
public enum PointCloudTransport {
    /// Most coordinates a point cloud may have.
    public static let maxDimension = 4096

    /// Fits T with T#source ≈ target and writes it to `output`. Batches
    /// larger than a cloud are shrunk to the cloud (each draw is then a
    /// permutation of it: no repeated points in the unbiased MMD).
    @discardableResult
    public static func fit(source sourceURL: URL, target targetURL: URL, config base: TransportConfig, output: URL,
                           progress: Bool = true, log: (String) -> Void) throws -> TrainingSummary {
        let source = try PointCloud.read(from: sourceURL), target = try PointCloud.read(from: targetURL)
        guard source.shape[1] == target.shape[1] else {
            throw FileError(.mismatch, targetURL, expected: "points of \(source.shape[1]) coordinates, like the source \(sourceURL.relativePath)",
                            found: "\(target.shape[1])")
        }
        guard source.shape[1] <= maxDimension else {
            throw FileError(.tooLarge, sourceURL, expected: "points of at most \(maxDimension) coordinates", found: "\(source.shape[1])",
                            hint: "the network's input and a d × d covariance grow with d")
        }
        guard source.shape[0] >= 2, target.shape[0] >= 2 else {
            let (few, file) = source.shape[0] < 2 ? (source, sourceURL) : (target, targetURL)
            throw FileError(.badValues, file, expected: "at least 2 points (for the MMD)", found: "\(few.shape[0])")
        }
        try checkWritable(output)
        log("fit: \(source.shape[0]) source and \(target.shape[0]) target points in d = \(source.shape[1])")
        let trainer: TransportTrainer
        do {
            trainer = try self.trainer(source: source, target: target, config: base)
        } catch let error as SettingError {
            // The trainer does not know the files; name them here.
            throw error.applied(to: "\(sourceURL.relativePath) → \(targetURL.relativePath)")
        }
        let summary: TrainingSummary
        do {
            summary = try trainer.train(label: "fit", progress: progress, log: log)
        } catch let error as TrainingError {
            // The trainer does not know the files; name them here.
            throw TrainingError(error.kind, "fit \(sourceURL.relativePath) → \(targetURL.relativePath), " + error.message)
        }
        try trainer.save(to: output, extraMetadata: ["source": sourceURL.lastPathComponent, "target": targetURL.lastPathComponent])
        log("wrote \(output.relativePath) (" + String(format: "L_HJ %.3g, L_MMD %.3g, ", summary.hjLoss, summary.mmdLoss)
            + Progress.duration(summary.seconds) + ")")
        return summary
    }

    /// A trainer for the map from the finite set `source` [N, d] to `target`
    /// [M, d], with batches larger than a set shrunk to it. With a held-out
    /// share, that share of each set (at most `maxHeldOut` points, and only
    /// when both shares reach `minHeldOut`) is set aside, drawn by the
    /// config's seed, to choose the parameters kept.
    public static func trainer(source: Tensor, target: Tensor, config base: TransportConfig) throws -> TransportTrainer {
        var config = base
        var random = SeededRandom(seed: config.seed ^ 0x6865_6c64_6f75_74)
        func split(_ points: Tensor) -> (train: Tensor, heldOut: Tensor)? {
            let n = points.shape[0], count = Swift.min(Int(config.heldOutShare * Float(n)), maxHeldOut)
            guard count >= minHeldOut else { return nil }
            let order = random.permutation(n)
            return (points.gatherRows(Array(order[count...])), points.gatherRows(Array(order[..<count])))
        }
        let sourceSplit = split(source), targetSplit = split(target)
        let held = sourceSplit.flatMap { s in targetSplit.map { (source: s, target: $0) } }
        let trainSource = held?.source.train ?? source, trainTarget = held?.target.train ?? target
        config.sourceBatch = Swift.min(config.sourceBatch, trainSource.shape[0])
        config.targetBatch = Swift.min(config.targetBatch, trainTarget.shape[0])
        let trainer = try TransportTrainer(problem: TransportProblem(source: .empirical(trainSource), target: .empirical(trainTarget)),
                                           config: config,
                                           baseProblem: TransportProblem(source: .empirical(source), target: .empirical(target)))
        if let held { trainer.holdOut(sources: [held.source.heldOut], targets: [held.target.heldOut]) }
        return trainer
    }

    /// Bounds on the points held out per side: fewer cannot rank two steps,
    /// more only slow the evaluations down.
    static let minHeldOut = 64, maxHeldOut = 2048

    /// Applies a fitted map (or its inverse) to the points in `input`, writing `output`.
    /// `label` selects the class of a class-conditional map.
    public static func map(model: URL, input: URL, inverse: Bool, refinements: Int? = nil,
                           label: Int? = nil, output: URL) throws -> Tensor {
        try OutputFile.refuseInputs(output, [model, input], flag: "--out")
        try OutputFile.refuseProtected(output, flag: "--out")
        let potential = try TransportPotential.load(from: model)
        let points = try PointCloud.read(from: input)
        guard points.shape[1] == potential.dimension else {
            throw FileError(.mismatch, input, expected: "points of \(potential.dimension) coordinates, like the map \(model.relativePath)",
                            found: "\(points.shape[1])")
        }
        if potential.classes > 0 {
            guard let label else {
                throw FileError(.mismatch, model, expected: "a map without classes, or --class 0…\(potential.classes - 1)",
                                found: "a class-conditional map (\(potential.classes) classes) and no --class")
            }
            guard (0..<potential.classes).contains(label) else {
                throw FileError(.mismatch, model, expected: "--class 0…\(potential.classes - 1) (the map's classes)", found: "--class \(label)")
            }
        } else if let label {
            throw FileError(.mismatch, model, expected: "a class-conditional map for --class \(label)", found: "a map without classes")
        }
        try checkWritable(output)
        let mapped = inverse ? potential.inverseMap(points, class: label, refinements: refinements)
                             : potential.forwardMap(points, class: label)
        // Finite points can still leave Float32's range on the way (|x| near 3e38):
        // refuse to write what would be NaN or ±Inf.
        if let bad = mapped.storage.firstIndex(where: { !$0.isFinite }) {
            let d = mapped.shape[1]
            throw FileError(.nonFinite, input, expected: "points whose \(inverse ? "preimages" : "images") under \(model.relativePath) are finite",
                            found: "point \(bad / d) maps to \(mapped.storage[bad])",
                            hint: "its coordinates are too large for Float32 arithmetic; nothing was written")
        }
        try PointCloud.write(mapped, to: output)
        return mapped
    }

    /// Fails early (before minutes of training) when `url` cannot be written.
    static func checkWritable(_ url: URL) throws {
        let ext = url.pathExtension.lowercased()
        guard ["npy", "csv", "safetensors"].contains(ext) else {
            throw FileError(.wrongFormat, url, expected: "a name ending in .npy, .csv or .safetensors", found: "'.\(url.pathExtension)'")
        }
        try OutputFile.checkWritable(url, flag: "--out")
    }
}
