import Foundation
import GenOTData
import GenOTFiles
import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTransport

/// The class-conditional transport of docs/method.md §10 in a VAE's latent space:
/// μ_c = N(0, I_d) (or the latents of class c of another dataset), ν_c = the
/// encoder means of the training images of class c.
public enum LatentTransport {
    /// Encoder means of `images`, split by label: [classes] tensors [n_c, d].
    public static func classLatents(_ images: LabeledImages, vae: VAE, classes: Int = Datasets.classCount) -> [Tensor] {
        let latents = vae.encodeMean(images: images.images)
        var rows = [[Int]](repeating: [], count: classes)
        for (index, label) in images.labels.enumerated() { rows[label].append(index) }
        return rows.map { latents.gatherRows($0) }
    }

    /// The problem: per class, noise (or `sourceLatents[c]`) to `targetLatents[c]`.
    public static func problem(targets targetLatents: [Tensor], sources sourceLatents: [Tensor]? = nil) -> TransportProblem {
        let d = targetLatents[0].shape[1]
        let sources = sourceLatents.map { $0.map(Sampler.empirical) }
            ?? Array(repeating: Sampler.standardNormal(dimension: d), count: targetLatents.count)
        return TransportProblem(sources: sources, targets: targetLatents.map(Sampler.empirical))
    }
}

extension LatentTransport {
    /// What `gen-ot train-transport` does.
    public struct Request: Sendable {
        public var target: DatasetName
        /// nil: noise → latents; a dataset: its latents of class c → target's class c.
        public var source: DatasetName?
        /// nil: all ten classes; else only this one (an existing map keeps the others' training).
        public var onlyClass: Int?
        public var config: TransportConfig
        public var dataDirectory: URL
        public var checkpoints: CheckpointPaths
        /// Continue the unfinished run saved in `<map>.partial.safetensors` (all classes only).
        public var resume: Bool
        /// Save the run every this many steps (0: only at the end), so it can resume.
        public var checkpointEvery: Int

        public init(target: DatasetName, source: DatasetName?, onlyClass: Int?, config: TransportConfig,
                    dataDirectory: URL, checkpoints: CheckpointPaths, resume: Bool = false, checkpointEvery: Int = 0) {
            self.target = target; self.source = source; self.onlyClass = onlyClass
            self.config = config; self.dataDirectory = dataDirectory; self.checkpoints = checkpoints
            self.resume = resume; self.checkpointEvery = checkpointEvery
        }
    }

    /// Encodes the training sets, trains the map and writes its checkpoint.
    @discardableResult
    public static func train(_ request: Request, log: (String) -> Void) throws -> TrainingSummary {
        let targetVAE = try request.checkpoints.loadVAE(request.target)
        let sourceVAE = try request.source.map { try request.checkpoints.loadVAE($0) }
        if let sourceVAE, sourceVAE.latentDim != targetVAE.latentDim {
            throw FileError(.mismatch, request.checkpoints.vae(request.source!),
                            expected: "a VAE with d = \(targetVAE.latentDim), like \(request.checkpoints.vae(request.target).relativePath)",
                            found: "d = \(sourceVAE.latentDim)", hint: "train both with the same --latent-dim")
        }
        let output = request.checkpoints.transport(from: request.source, to: request.target)
        let unfinished = request.checkpoints.unfinishedTransport(from: request.source, to: request.target)
        precondition(!(request.resume && request.onlyClass != nil), "resume continues runs of all classes")
        if request.resume, !FileManager.default.fileExists(atPath: unfinished.path) {
            throw FileError.noCheckpointToResume(unfinished, whereFrom: "--checkpoints")
        }
        let saved = request.resume ? try readUnfinished(unfinished, request, targetVAE) : nil
        var existing: TransportPotential?
        if request.onlyClass != nil, FileManager.default.fileExists(atPath: output.path) {
            let file = try Safetensors.read(from: output)
            try request.checkpoints.requireTrainedOn(targetVAE, request.target, map: file, key: CheckpointPaths.vaeFingerprintKey)
            existing = try TransportPotential.load(from: file)
            if existing!.dimension != targetVAE.latentDim {
                throw FileError(.mismatch, output, expected: "a map in d = \(targetVAE.latentDim), the VAE's latents",
                                found: "d = \(existing!.dimension)", hint: "delete it or retrain all classes")
            }
            if existing!.convexPart != nil {
                throw FileError(.mismatch, output, expected: "a map whose classes have networks of their own to retrain (--class)",
                                found: "a convex potential ψ shared by every class", hint: "retrain all classes")
            }
        }
        log("encoding the \(request.target.rawValue) training set with \(request.checkpoints.vae(request.target).path)")
        let d = targetVAE.latentDim
        let requirement: SplitRequirement = request.config.gaussianBase
            ? .models(perClass: d + 1, because: "the Gaussian base fits a \(d) × \(d) covariance per class")
            : .models(perClass: 2, because: "the MMD compares at least 2 points per class")
        let targets = classLatents(try Datasets.load(request.target, split: .train, dataDir: request.dataDirectory,
                                                     requirement: requirement), vae: targetVAE)
        let sources = try request.source.map { source in
            classLatents(try Datasets.load(source, split: .train, dataDir: request.dataDirectory, requirement: requirement),
                         vae: sourceVAE!)
        }
        // One class on an existing map: train a copy of its network alone,
        // then store it as that class's own network; the others keep theirs.
        let problem = problem(targets: targets, sources: sources)
        let trainer: TransportTrainer
        do {
            trainer = request.resume
                ? try TransportTrainer.resume(problem: problem, config: request.config, from: saved!)
                : try TransportTrainer(problem: problem, config: request.config, classes: request.onlyClass.map { [$0] },
                                       potential: request.onlyClass.flatMap { c in existing?.trainableCopy(for: c) })
        } catch let error as SettingError {
            // A pair is a class; name the data it was fitted to.
            let labels = Datasets.files(request.target, split: .train, dataDir: request.dataDirectory).labels
            throw error.applied(to: "the latents of \(labels.relativePath) (pair = class)")
        }
        log("config: \(request.config.summary)")
        log("classes: \(trainer.trainedClasses.map(String.init).joined(separator: ","))  d = \(targetVAE.latentDim)  parameters: \(trainer.potential.parameterCount)")
        if request.resume { log("resuming \(unfinished.path) at step \(trainer.stepIndex) of \(request.config.steps)") }
        let metadata = ["target": request.target.rawValue, "source": request.source?.rawValue ?? "noise"]
            .merging(CheckpointPaths.fingerprintMetadata(vae: targetVAE, sourceVAE: sourceVAE)) { own, _ in own }
        // A one-class run is merged into the map only at the end. A failed
        // mid-run save only costs resumability, so training goes on.
        let summary = try trainer.train(label: "transport", checkpointEvery: request.onlyClass == nil ? request.checkpointEvery : 0,
                                    checkpoint: {
                                        do { try trainer.save(to: unfinished, extraMetadata: metadata) } catch {
                                            log("warning: could not save the run at step \(trainer.stepIndex) (training goes on, but cannot resume from here): \(error)")
                                        }
                                    }, log: log)
        if !trainer.collective.isRoot {
            // Under MPI rank 0 writes the map; every rank holds the same one.
        } else if let existing, let c = request.onlyClass {
            try existing.withClassNetwork(c, trainer.potential.network)
                .save(to: output, extraMetadata: metadata.merging(TrainingCheckpoint.configMetadata(request.config.fields)) { own, _ in own })
        } else {
            try trainer.save(to: output, extraMetadata: metadata)
            try? FileManager.default.removeItem(at: unfinished)
        }
        log(String(format: "trained %d steps in %.1f s; final L_HJ %.3g, L_MMD %.3g; wrote %@", summary.steps,
                   summary.seconds, summary.hjLoss, summary.mmdLoss, output.path))
        return summary
    }

    /// The saved run to resume, checked to have been trained on `vae`.
    static func readUnfinished(_ url: URL, _ request: Request, _ vae: VAE) throws -> SafetensorsFile {
        let file = try Safetensors.read(from: url)
        try request.checkpoints.requireTrainedOn(vae, request.target, map: file, key: CheckpointPaths.vaeFingerprintKey)
        return file
    }
}
