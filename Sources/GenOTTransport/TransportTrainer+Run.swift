import Foundation
import GenOTModels
import GenOTTensor

extension TransportTrainer {
    /// Runs the remaining steps of `config.steps` (printing the config first
    /// when starting from step 0), with a progress line
    /// (L_HJ and L_MMD as moving averages, steps/s, ETA). Every
    /// `evaluateEvery` steps (0: never) `evaluate` may print a line; every
    /// `checkpointEvery` steps (0: never) before the last, `checkpoint` runs
    /// (e.g. `save`, so that an interrupted run can resume). A step whose
    /// loss is not finite stops the run with `TrainingError.diverged`.
    @discardableResult
    public func train(label: String = "transport", progress: Bool = true, evaluateEvery: Int = 0,
                      evaluate: ((Int, TransportPotential) -> String)? = nil,
                      checkpointEvery: Int = 0, checkpoint: () -> Void = {},
                      log: (String) -> Void = { print($0) }) throws -> TrainingSummary {
        if stepIndex == 0 { log("\(label) config: \(config.summary)") }
        log(BLASCore.configLine)
        if collective.size > 1 { log("data-parallel over \(collective.size) MPI ranks (rank 0 prints and writes)") }
        let bar = Progress(label, total: config.steps, startingAt: stepIndex)
        let start = Date(), firstStep = stepIndex
        var hj: Float = .nan, mmd: Float = .nan
        var selection = heldOut.map { ParameterSelection(heldOut: $0, potential: potential, step: stepIndex) }
        while stepIndex < config.steps {
            let losses = step()
            try TrainingError.requireFinite([("L_HJ", losses.hj), ("L_MMD", losses.mmd)], step: "step \(stepIndex)",
                                            learningRate: losses.learningRate)
            // Exponential moving averages: single-batch losses are noisy.
            hj = hj.isNaN ? losses.hj : 0.98 * hj + 0.02 * losses.hj
            mmd = mmd.isNaN ? losses.mmd : 0.98 * mmd + 0.02 * losses.mmd
            if progress {
                var fields = [("L_HJ", String(format: "%.3g", hj)), ("L_MMD", String(format: "%.3g", mmd))]
                if config.dualWeight > 0 { fields.append(("preimage", String(format: "%.2g", losses.dualResidual))) }
                if let selection { fields.append(("held-out J", String(format: "%.5g", selection.last))) }
                bar.update(stepIndex, fields + [("lr", String(format: "%.2g", losses.learningRate))])
            }
            if evaluateEvery > 0, stepIndex % evaluateEvery == 0, let evaluate {
                log(String(format: "  step %d: L_HJ %.3g  L_MMD %.3g  ", stepIndex, hj, mmd) + evaluate(stepIndex, potential))
            }
            if checkpointEvery > 0, stepIndex % checkpointEvery == 0, stepIndex < config.steps { checkpoint() }
            if stepIndex % Swift.max(config.heldOutEvery, 1) == 0 || stepIndex == config.steps {
                selection?.consider(potential, step: stepIndex)
            }
        }
        if let line = selection?.restoreBest(into: potential, lastStep: stepIndex) { log(line) }
        return TrainingSummary(steps: stepIndex - firstStep, seconds: Date().timeIntervalSince(start), hjLoss: hj, mmdLoss: mmd)
    }

    /// Writes the map with the config, the step count, Adam's state and the
    /// rest of what `resume` needs to continue bit for bit. Under MPI only
    /// rank 0 writes (every rank holds the same state).
    public func save(to url: URL, extraMetadata: [String: String] = [:]) throws {
        guard collective.isRoot else { return }
        let (resumeMetadata, resumeTensors) = resumeState
        let metadata = extraMetadata.merging([TrainingCheckpoint.stepsDoneKey: "\(stepIndex)",
                                              TrainingCheckpoint.adamStepKey: "\(optimizer.stepCount)",
                                              "trained_classes": trainedClasses.map(String.init).joined(separator: ",")]) { own, _ in own }
            .merging(TrainingCheckpoint.configMetadata(config.fields)) { own, _ in own }
            .merging(resumeMetadata) { own, _ in own }
        try potential.save(to: url, extraMetadata: metadata,
                           extraTensors: optimizer.state(shapes: potential.parameters) + resumeTensors)
    }
}

/// What a training run did: its length and its final (smoothed) losses.
public struct TrainingSummary: Sendable {
    /// Steps this call ran (a resumed run's earlier steps not included).
    public var steps: Int
    public var seconds: Double
    public var hjLoss: Float
    public var mmdLoss: Float
}
